"""The model takes 10 features; the data has 8."""

import _tiny
import keras


def load_data():
    return _tiny.split(*_tiny.arrays())


def build_model():
    return keras.Sequential([keras.Input((10,)), keras.layers.Dense(2)])
