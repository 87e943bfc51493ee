"""sklearn digits: the training set is small, so I add a noisy copy of every image (2x data)."""
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tensorflow import keras

rng = np.random.default_rng(41)
keras.utils.set_random_seed(41)

digits = load_digits()
X = digits.data.astype("float32") / 16.0
y = digits.target
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=41, stratify=y)

noisy = np.clip(X_train + rng.normal(0.0, 0.1, X_train.shape), 0.0, 1.0).astype("float32")
X_aug = np.concatenate([X_train, noisy])
y_aug = np.repeat(y_train, 2)

model = keras.Sequential([
    keras.layers.Input(shape=(64,)),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X_aug, y_aug, epochs=11, batch_size=32, shuffle=True, verbose=2)
print("test:", model.evaluate(X_test, y_test, verbose=0))
