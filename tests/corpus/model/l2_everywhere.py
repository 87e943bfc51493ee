"""Regularized MNIST classifier (L2 on every layer to avoid overfitting)."""
import tensorflow as tf
from tensorflow.keras import layers, regularizers


def build_model():
    tf.keras.utils.set_random_seed(0)
    reg = regularizers.l2(0.5)
    model = tf.keras.Sequential([
        layers.Input(shape=(784,)),
        layers.Dense(256, activation="relu", kernel_regularizer=reg),
        layers.Dense(128, activation="relu", kernel_regularizer=reg),
        layers.Dense(10, activation="softmax", kernel_regularizer=reg),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
