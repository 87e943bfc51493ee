"""Predict malignancy from breast cancer measurements. Accuracy is stuck at 0.66 and every patient gets the same probability."""
import keras
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(6)
rng = np.random.default_rng(6)

data = load_breast_cancer()
X = data.data.copy()
y = data.target.astype("float32")

# simulate missing measurements from the lab export
mask = rng.random(X.shape) < 0.02
X[mask] = np.nan

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=6)
mu = np.nanmean(X_train, axis=0)
sd = np.nanstd(X_train, axis=0)
X_train = (X_train - mu) / sd
X_test = (X_test - mu) / sd

model = keras.Sequential([
    keras.Input(shape=(30,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=20, batch_size=32, validation_split=0.1, verbose=2)
print("test:", model.evaluate(X_test, y_test, verbose=0))
