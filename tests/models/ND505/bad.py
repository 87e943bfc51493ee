"""ND505 bad: one-hot labels given to sparse_categorical_crossentropy."""

import keras
import numpy as np

from netdoctor.data import load


def load_data():
    digits = load("mnist")
    one_hot = np.eye(10, dtype="float32")
    return (digits.x_train / 255.0, one_hot[digits.y_train]), (digits.x_test / 255.0, one_hot[digits.y_test])


def build_model():
    model = keras.Sequential(
        [
            keras.Input((28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    return model
