"""ND205 bad: SGD with learning rate 1e-5: every step moves the weights by about a millionth."""

import keras


def build_model():
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(1e-5), loss="sparse_categorical_crossentropy")
    return model
