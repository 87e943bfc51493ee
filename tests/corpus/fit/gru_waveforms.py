"""Classify noisy 1-D signals (sine / square / sawtooth) with a small GRU."""
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, models

tf.keras.utils.set_random_seed(40)
rng = np.random.default_rng(40)

SEQ_LEN = 40


def make_signals(n):
    t = np.linspace(0, 1, SEQ_LEN)
    freq = rng.uniform(1.5, 4.0, size=(n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    kind = rng.integers(0, 3, size=n)
    arg = 2 * np.pi * freq * t + phase
    sine = np.sin(arg)
    square = np.sign(np.sin(arg))
    saw = 2 * ((arg / (2 * np.pi)) % 1.0) - 1
    x = np.choose(kind[:, None], [sine, square, saw])
    x = x + rng.normal(0, 0.3, size=x.shape)
    return x[..., None].astype("float32"), kind


x_train, y_train = make_signals(2400)
x_test, y_test = make_signals(600)

model = models.Sequential([
    layers.Input(shape=(SEQ_LEN, 1)),
    layers.GRU(32),
    layers.Dense(32, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=8, batch_size=32, validation_split=0.1, verbose=2)
print("test:", model.evaluate(x_test, y_test, verbose=0))
