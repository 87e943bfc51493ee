"""MNIST MLP with L1 weight regularization (I want sparse weights). Accuracy never gets above 11%."""
import keras
from keras import layers, regularizers


def build_model():
    keras.utils.set_random_seed(31)
    reg = regularizers.l1(0.01)
    model = keras.Sequential([
        layers.Input((784,)),
        layers.Dense(256, activation="relu", kernel_regularizer=reg),
        layers.Dense(128, activation="relu", kernel_regularizer=reg),
        layers.Dense(10, activation="softmax", kernel_regularizer=reg),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
