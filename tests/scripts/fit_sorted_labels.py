"""MNIST digits sorted by label and trained without shuffling."""

import keras
import numpy as np

keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
order = np.argsort(y_train, kind="stable")
x_train = x_train[order].reshape(-1, 784) / 255.0
y_train = y_train[order]
x_test = x_test.reshape(-1, 784) / 255.0

model = keras.Sequential(
    [keras.Input((784,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")]
)
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=50, epochs=2, shuffle=False, validation_data=(x_test, y_test), verbose=2)
