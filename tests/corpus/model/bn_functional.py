"""Functional MNIST MLP with BatchNormalization and Dropout."""
import keras
from keras import layers


def build_model():
    keras.utils.set_random_seed(14)
    inp = keras.Input(shape=(784,), name="pixels")
    h = layers.Dense(256, use_bias=False)(inp)
    h = layers.BatchNormalization()(h)
    h = layers.Activation("relu")(h)
    h = layers.Dropout(0.2)(h)
    h = layers.Dense(128, use_bias=False)(h)
    h = layers.BatchNormalization()(h)
    h = layers.Activation("relu")(h)
    out = layers.Dense(10, activation="softmax", name="digit")(h)
    model = keras.Model(inp, out)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=["accuracy"])
    return model
