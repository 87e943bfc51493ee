"""ND601 bad: a CNN trained on raw pixels 0..255."""

import keras

from netdoctor.data import load


def load_data():
    digits = load("mnist")
    return (digits.x_train[..., None], digits.y_train), (digits.x_test[..., None], digits.y_test)


def build_model():
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(8, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
    return model
