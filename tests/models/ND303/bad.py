"""ND303 bad: SGD with learning rate 50: the loss overflows to NaN within a few steps."""

import keras


def build_model():
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(50.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
