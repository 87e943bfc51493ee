"""ND101 good: the same network with He-initialized hidden layers."""

import keras


def build_model():
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal"),
            keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy")
    return model
