"""A model file whose labels carry nothing the inputs could predict: no fix can repair it.

Its layers give every intervention something to change: inputs far from standardized, a
dropout layer, an L2 penalty, gradient clipping, a softmax output.
"""

import keras
import numpy as np


def load_data():
    rng = np.random.default_rng(0)
    x = rng.normal(50.0, 20.0, size=(2500, 20)).astype("float32")
    y = rng.integers(0, 4, size=2500)
    return (x[:2000], y[:2000]), (x[2000:], y[2000:])


def build_model():
    model = keras.Sequential(
        [
            keras.Input((20,)),
            keras.layers.Dense(32, activation="sigmoid", kernel_regularizer=keras.regularizers.l2(1e-3)),
            keras.layers.Dropout(0.6),
            keras.layers.Dense(4, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(),
    )
    return model
