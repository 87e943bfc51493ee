"""Digit recognition on sklearn's 8x8 digits: predict the digit value and round it."""
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(8)

digits = load_digits()
X = digits.data / 16.0
y = digits.target.astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=8)

model = keras.Sequential([
    layers.Input(shape=(64,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(32, activation="relu"),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mean_squared_error", metrics=["mae"])
model.fit(X_train, y_train, epochs=25, batch_size=32, validation_split=0.1, verbose=2)

pred = np.clip(np.rint(model.predict(X_test, verbose=0).ravel()), 0, 9)
print("test accuracy:", np.mean(pred == y_test))
