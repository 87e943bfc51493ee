"""ND402 bad: a binary classifier on features that carry no information about a 90/10 label:
the loss falls to the label entropy, but accuracy stays at the majority rate."""

import keras
import numpy as np


def load_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 16)).astype("float32")
    y = (rng.random(2000) < 0.1).astype("float32")
    return (x[:1600], y[:1600]), (x[1600:], y[1600:])


def build_model():
    inputs = keras.Input((16,))
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy")
    return model
