"""An LSTM classifier of short sequences, in model mode: a valid target."""

import keras
import numpy as np


def load_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 6, 4)).astype("float32")
    y = (x[:, :, 0].sum(axis=1) > 0).astype("int64")
    return (x[:240], y[:240]), (x[240:], y[240:])


def build_model():
    model = keras.Sequential([keras.Input((6, 4)), keras.layers.LSTM(8), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model
