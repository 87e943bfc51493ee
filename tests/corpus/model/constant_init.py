"""Digit classifier; weights start at a small constant value."""
import tensorflow as tf


def build_model():
    init = tf.keras.initializers.Constant(0.01)
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Input(shape=(28, 28, 1)))
    model.add(tf.keras.layers.Flatten())
    model.add(tf.keras.layers.Dense(100, activation="tanh", kernel_initializer=init, bias_initializer=init))
    model.add(tf.keras.layers.Dense(100, activation="tanh", kernel_initializer=init, bias_initializer=init))
    model.add(tf.keras.layers.Dense(10, activation="softmax", kernel_initializer=init))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
