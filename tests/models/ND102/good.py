"""ND102 good: the same functional network with independent random weights per unit."""

import keras


def build_model():
    inputs = keras.Input((784,))
    hidden = keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal")(inputs)
    hidden = keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal")(hidden)
    outputs = keras.layers.Dense(10)(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.SGD(0.05),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
