"""Iris species classifier. Accuracy is stuck around 0.6 no matter how long I train."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

tf.keras.utils.set_random_seed(4)

iris = load_iris(as_frame=True).frame
X = iris.drop(columns="target").values
y = iris["target"].values
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=4, stratify=y)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)

model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(4,)),
    tf.keras.layers.Dense(16, activation="relu"),
    tf.keras.layers.Dense(16, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=60, batch_size=16, verbose=0)

loss, acc = model.evaluate(X_test, y_test, verbose=0)
print("test loss %.4f, test accuracy %.4f" % (loss, acc))
