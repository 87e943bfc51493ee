"""ND403 bad: linear regression with SGD at learning rate 0.9, just past the stable range: each
step overshoots a little more and the loss climbs instead of falling."""

import keras
import numpy as np


def load_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 8)).astype("float32")
    y = (x @ rng.normal(size=8) + 0.1 * rng.normal(size=2000)).astype("float32")
    return (x[:1600], y[:1600]), (x[1600:], y[1600:])


def build_model():
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.9), loss="mean_squared_error")
    return model
