"""ND603 good: the same regression with the missing readings imputed by the feature mean."""

import keras
import numpy as np


def load_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 8)).astype("float32")
    y = (x @ rng.normal(size=8)).astype("float32")
    x[rng.choice(2000, size=20, replace=False), 3] = np.nan
    x = np.where(np.isnan(x), np.nanmean(x, axis=0), x).astype("float32")
    return (x[:1600], y[:1600]), (x[1600:], y[1600:])


def build_model():
    model = keras.Sequential(
        [keras.Input((8,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mean_squared_error")
    return model
