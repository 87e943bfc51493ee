"""Digits collected folder by folder (one folder per digit). Training accuracy is 0.97 but val_accuracy is 0.2."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(13)

(x_raw, y_raw), (x_test, y_test) = keras.datasets.mnist.load_data()
folders = {d: x_raw[y_raw == d] for d in range(10)}
x_train = np.concatenate([folders[d] for d in range(10)]).reshape(-1, 784).astype("float32") / 255.0
y_train = np.concatenate([np.full(len(folders[d]), d) for d in range(10)])
x_test = x_test.reshape(-1, 784).astype("float32") / 255.0

model = keras.Sequential([
    layers.Input((784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=8, batch_size=32, validation_split=0.2, shuffle=True, verbose=2)
print("test:", model.evaluate(x_test, y_test, verbose=0))
