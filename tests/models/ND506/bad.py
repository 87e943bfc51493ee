"""An MNIST MLP with dropout after every hidden layer."""

import keras


def build_model():
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dropout(0.9),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dropout(0.9),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model
