"""Digit classifier (MLP) trained with RMSprop."""
from tensorflow import keras
from tensorflow.keras import layers


def build_model():
    keras.utils.set_random_seed(9)
    model = keras.Sequential([
        layers.Input(shape=(784,)),
        layers.Dense(512, activation="relu"),
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.05),
                  loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
