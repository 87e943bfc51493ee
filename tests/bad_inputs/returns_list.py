"""build_model() returns a list of layers instead of a model."""

import keras


def build_model():
    return [keras.layers.Dense(10)]
