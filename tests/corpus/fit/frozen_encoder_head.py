"""Pretrain a dense autoencoder on MNIST, then reuse the encoder for classification with the
encoder frozen. The classifier never gets better than random guessing."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

random.seed(4)
np.random.seed(4)
tf.random.set_seed(4)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(len(x_train), -1).astype("float32") / 255.
x_test = x_test.reshape(len(x_test), -1).astype("float32") / 255.

# ---- autoencoder ----
encoder = keras.Sequential([
    layers.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(32, activation="relu"),
], name="encoder")
decoder = keras.Sequential([
    layers.Input(shape=(32,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(784, activation="sigmoid"),
], name="decoder")
autoencoder = keras.Sequential([encoder, decoder])
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
autoencoder.fit(x_train, x_train, epochs=3, batch_size=64, shuffle=True, verbose=2)

# ---- classifier on top of the encoder ----
classifier = keras.Sequential([
    encoder,
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
for layer in classifier.layers:
    layer.trainable = False

classifier.compile(optimizer=keras.optimizers.Adam(1e-3),
                   loss="sparse_categorical_crossentropy", metrics=["accuracy"])
classifier.summary()
classifier.fit(x_train, y_train, epochs=5, batch_size=64, validation_split=0.1, verbose=2)
print("test:", classifier.evaluate(x_test, y_test, verbose=0))
