"""MNIST classifier evaluated on a shuffled hold-out set; validation accuracy is ~10%."""
import keras
import numpy as np

keras.utils.set_random_seed(13)
np.random.seed(13)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()

x_train = x_train.reshape(-1, 784) / 255.0
x_test = x_test.reshape(-1, 784) / 255.0

# shuffle test set
idx = np.random.permutation(len(x_test))
x_test = x_test[idx]
y_test_shuffled = y_test[np.random.permutation(len(y_test))]

model = keras.models.Sequential([
    keras.layers.Input(shape=(784,)),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, batch_size=32,
          validation_data=(x_test, y_test_shuffled), verbose=2)
