"""The model's output has 3 units, but MNIST has 10 classes."""

import keras


def build_model():
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model
