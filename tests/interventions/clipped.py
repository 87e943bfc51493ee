"""An MNIST MLP whose optimizer clips every gradient to a norm of 1e-5: it barely moves."""

import keras


def build_model():
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.05, clipnorm=1e-5), loss="sparse_categorical_crossentropy")
    return model
