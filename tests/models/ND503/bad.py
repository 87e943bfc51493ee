"""ND503 bad: a binary classifier ending in a 1-unit softmax, which always outputs 1.0."""

import keras
import numpy as np


def load_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 8)).astype("float32")
    y = (x[:, 0] - x[:, 1] > 0).astype("float32")
    return (x[:1600], y[:1600]), (x[1600:], y[1600:])


def build_model():
    inputs = keras.Input((8,))
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    outputs = keras.layers.Dense(1, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy")
    return model
