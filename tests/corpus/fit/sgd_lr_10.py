"""MNIST MLP trained with plain SGD. I raised the learning rate to speed it up and now accuracy is stuck at 10%."""
import keras
from keras.layers import Dense, Flatten

keras.utils.set_random_seed(5)

(X_train, Y_train), (X_test, Y_test) = keras.datasets.mnist.load_data()
X_train = X_train.astype('float32') / 255.
X_test = X_test.astype('float32') / 255.

model = keras.models.Sequential()
model.add(keras.Input(shape=(28, 28)))
model.add(Flatten())
model.add(Dense(200, activation='relu'))
model.add(Dense(100, activation='relu'))
model.add(Dense(10, activation='softmax'))

sgd = keras.optimizers.SGD(learning_rate=10.0)
model.compile(loss='sparse_categorical_crossentropy', optimizer=sgd, metrics=['accuracy'])
model.fit(X_train, Y_train, batch_size=32, epochs=3, verbose=2, validation_split=0.2)
print(model.evaluate(X_test, Y_test, verbose=0))
