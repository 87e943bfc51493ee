"""A model with no weights at all: there is nothing to train."""

import _tiny
import keras


def load_data():
    return _tiny.split(*_tiny.arrays())


def build_model():
    model = keras.Sequential([keras.Input((8,)), keras.layers.Activation("relu")])
    model.compile(optimizer="adam", loss="mse")
    return model
