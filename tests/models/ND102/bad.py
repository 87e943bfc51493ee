"""ND102 bad: hidden layers initialized with one constant: every unit of the first layer computes
the same feature for the whole run (functional)."""

import keras

SAME = keras.initializers.Constant(0.01)


def build_model():
    inputs = keras.Input((784,))
    hidden = keras.layers.Dense(32, activation="relu", kernel_initializer=SAME)(inputs)
    hidden = keras.layers.Dense(32, activation="relu", kernel_initializer=SAME)(hidden)
    outputs = keras.layers.Dense(10)(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.SGD(0.05),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
