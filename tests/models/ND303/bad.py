"""ND303 bad: a regression trained with SGD at learning rate 1.5: every step overshoots more,
until the loss overflows to Inf and the weights to NaN (functional)."""

import keras
import numpy as np


def load_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 8)).astype("float32")
    y = (x @ rng.normal(size=8)).astype("float32")
    return (x[:1600], y[:1600]), (x[1600:], y[1600:])


def build_model():
    inputs = keras.Input((8,))
    outputs = keras.layers.Dense(1)(keras.layers.Dense(16, activation="relu")(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(1.5), loss="mean_squared_error")
    return model
