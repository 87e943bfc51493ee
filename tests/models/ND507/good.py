"""ND507/bad.py fixed: light L2 weight decay."""

import keras


def build_model():
    decay = keras.regularizers.l2(1e-4)
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(64, activation="relu", kernel_regularizer=decay),
            keras.layers.Dense(64, activation="relu", kernel_regularizer=decay),
            keras.layers.Dense(10, activation="softmax", kernel_regularizer=decay),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model
