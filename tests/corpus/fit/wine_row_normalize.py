"""Wine classification with Keras. Accuracy stuck around 65%, what am I doing wrong?"""
import numpy as np
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import normalize
from tensorflow import keras

keras.utils.set_random_seed(2)

X, y = load_wine(return_X_y=True)
X = normalize(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=2, stratify=y)

model = keras.Sequential([
    keras.layers.Input(shape=(13,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=60, batch_size=16, validation_split=0.1, verbose=2)

loss, acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test loss {loss:.4f}, test accuracy {acc:.3f}")
