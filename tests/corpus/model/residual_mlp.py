"""Functional MLP with residual blocks and layer normalization (uncompiled, outputs logits)."""
from tensorflow import keras
from tensorflow.keras import layers


def residual_block(x, units, rate=0.1):
    h = layers.LayerNormalization()(x)
    h = layers.Dense(units, activation="relu")(h)
    h = layers.Dropout(rate)(h)
    h = layers.Dense(units)(h)
    return layers.Add()([x, h])


def build_model():
    keras.utils.set_random_seed(21)
    inputs = keras.Input(shape=(784,), name="pixels")
    x = layers.Dense(128, activation="relu")(inputs)
    x = residual_block(x, 128)
    x = residual_block(x, 128)
    x = layers.LayerNormalization()(x)
    logits = layers.Dense(10, name="logits")(x)
    return keras.Model(inputs, logits, name="residual_mlp")
