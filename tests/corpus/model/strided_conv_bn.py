"""Strided-convolution MNIST classifier: conv/BN/ReLU blocks with stride 2 and a dropout/dense head (uncompiled)."""
from tensorflow import keras
from tensorflow.keras import layers


def conv_block(x, filters, strides=1):
    x = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)


def build_model():
    keras.utils.set_random_seed(14)
    inputs = keras.Input(shape=(28, 28, 1))
    x = conv_block(inputs, 16, strides=2)
    x = conv_block(x, 32, strides=2)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs, outputs, name="allconv")
