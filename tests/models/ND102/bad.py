"""ND102 bad: every hidden unit starts with the same random incoming weights (functional)."""

import keras


def same_columns(shape, dtype=None):
    """A random column repeated for every unit: random, but symmetric."""
    column = keras.random.normal((shape[0], 1), stddev=(2.0 / shape[0]) ** 0.5, seed=1)
    return keras.ops.tile(column, (1, shape[1]))


def build_model():
    inputs = keras.Input((784,))
    hidden = keras.layers.Dense(32, activation="relu", kernel_initializer=same_columns)(inputs)
    hidden = keras.layers.Dense(32, activation="relu", kernel_initializer=same_columns)(hidden)
    outputs = keras.layers.Dense(10)(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.SGD(0.05),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
