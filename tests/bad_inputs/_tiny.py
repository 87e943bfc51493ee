"""Shared by the bad inputs: a small two-class problem and a model for it (fast to train)."""

import keras
import numpy as np


def arrays(n=400, features=8):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, features)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64")
    return x, y


def split(x, y, test=100):
    return (x[:-test], y[:-test]), (x[-test:], y[-test:])


def model(features=8, classes=2):
    net = keras.Sequential(
        [keras.Input((features,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(classes)]
    )
    net.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return net


class AtBatch(keras.callbacks.Callback):
    """Calls ``action()`` at the end of training batch ``batch``."""

    def __init__(self, batch, action):
        super().__init__()
        self.batch, self.action = batch, action

    def on_train_batch_end(self, batch, logs=None):
        if batch == self.batch:
            self.action()
