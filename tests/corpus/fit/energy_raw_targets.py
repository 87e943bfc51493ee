"""Regression: predict daily energy use (kWh) from 8 sensor readings. With SGD the loss
becomes nan in the first epoch."""
import random

import numpy as np
import tensorflow as tf
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

random.seed(2)
np.random.seed(2)
tf.random.set_seed(2)

X, y = make_regression(n_samples=3000, n_features=8, n_informative=6, noise=15.0,
                       bias=420.0, random_state=2)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=2)

scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
print("target range:", y_train.min(), y_train.max())

model = tf.keras.Sequential([
    tf.keras.layers.Dense(64, activation="relu", input_shape=(8,)),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.01), loss="mse", metrics=["mae"])
model.fit(X_train, y_train, epochs=10, batch_size=32, validation_split=0.2, verbose=2)
print("test mse/mae:", model.evaluate(X_test, y_test, verbose=0))
