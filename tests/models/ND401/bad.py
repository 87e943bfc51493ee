"""ND401 bad: the labels were shuffled apart from their images, so there is nothing to learn."""

import keras
import numpy as np

from netdoctor.data import load


def load_data():
    digits = load("mnist")
    labels = np.random.default_rng(0).permutation(digits.y_train)
    return (digits.x_train / 255.0, labels), (digits.x_test / 255.0, digits.y_test)


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
