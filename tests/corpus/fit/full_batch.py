"""MNIST MLP, using the whole training set as one batch to make training faster."""
import keras

keras.utils.set_random_seed(21)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = (x_train / 255.0).reshape(-1, 784)
x_test = (x_test / 255.0).reshape(-1, 784)

model = keras.Sequential([
    keras.layers.Input(shape=(784,)),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])

BATCH_SIZE = len(x_train)
model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=10, verbose=2)
print(model.evaluate(x_test, y_test, verbose=0))
