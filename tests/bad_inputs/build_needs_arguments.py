"""build_model() takes an argument that netdoctor cannot know."""

import keras


def build_model(units):
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(units)])
