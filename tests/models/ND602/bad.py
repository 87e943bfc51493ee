"""A classifier trained with fit() on data sorted by label, without shuffling."""

import keras
import numpy as np

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
centers = rng.normal(scale=3.0, size=(4, 10))
y = np.repeat(np.arange(4), 500)
x = (centers[y] + rng.normal(size=(2000, 10))).astype("float32")

model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(4, activation="softmax")])
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, batch_size=50, epochs=3, shuffle=False, verbose=0)
