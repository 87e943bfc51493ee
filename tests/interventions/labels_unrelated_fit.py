"""A fit script whose labels carry nothing the inputs could predict: no fix can repair it.

The training labels are one-hot and sorted, some inputs are missing (NaN), and the script fits
in large batches without shuffling, so the data-side interventions all have something to change.
"""

import keras
import numpy as np

rng = np.random.default_rng(1)
x = rng.normal(size=(2400, 16)).astype("float32")
labels = rng.integers(0, 3, size=2400)
labels[:2000] = np.sort(labels[:2000])  # the training part, sorted
y = keras.utils.to_categorical(labels, 3)
x[rng.random(x.shape) < 0.01] = np.nan
x_train, y_train, x_test, y_test = x[:2000], y[:2000], x[2000:], y[2000:]

model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(3)])
model.compile(
    optimizer=keras.optimizers.Adam(1e-3),
    loss=keras.losses.CategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.fit(x_train, y_train, batch_size=500, epochs=40, shuffle=False, verbose=0)
print(model.evaluate(np.nan_to_num(x_test), y_test, verbose=0))
