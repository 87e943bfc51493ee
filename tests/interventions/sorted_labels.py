"""A fit script on digits sorted by label, without shuffling: each batch holds one class, and
the model ends up predicting the last class it saw."""

import keras
import numpy as np

from netdoctor.data import load

digits = load("mnist")
order = np.argsort(digits.y_train, kind="stable")
x_train, y_train = digits.x_train[order].reshape(-1, 784) / 255.0, digits.y_train[order]
x_test, y_test = digits.x_test.reshape(-1, 784) / 255.0, digits.y_test

model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)])
model.compile(
    optimizer=keras.optimizers.SGD(0.05),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.fit(x_train, y_train, batch_size=50, epochs=3, shuffle=False, verbose=0)
print(model.evaluate(x_test, y_test, verbose=0))
