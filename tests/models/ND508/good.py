"""ND508/bad.py fixed: mini-batches."""

import keras
import numpy as np

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
centers = rng.normal(scale=2.0, size=(3, 10))
y = rng.integers(0, 3, 1500)
x = (centers[y] + rng.normal(size=(1500, 10))).astype("float32")

model = keras.Sequential(
    [keras.Input((10,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(3, activation="softmax")]
)
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x[:1200], y[:1200], batch_size=32, epochs=10, validation_data=(x[1200:], y[1200:]), verbose=0)
