"""A plain MLP for MNIST; netdoctor compiles and trains it."""
import keras
from keras import layers


def build_model():
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(128, activation="relu"),
            layers.Dense(64, activation="relu"),
            layers.Dense(10),
        ],
        name="mlp",
    )
