"""Breast cancer diagnosis with a neural network. The loss goes down but accuracy is stuck at 0.63 and predict() gives 1 for everything."""
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras
from tensorflow.keras import layers

np.random.seed(1)
keras.utils.set_random_seed(1)

cancer = load_breast_cancer()
df = pd.DataFrame(cancer.data, columns=cancer.feature_names)
df["target"] = cancer.target

X = df.drop("target", axis=1).values
y = df["target"].values
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=101)
sc = StandardScaler()
X_train = sc.fit_transform(X_train)
X_test = sc.transform(X_test)

model = keras.Sequential()
model.add(layers.Input(shape=(30,)))
model.add(layers.Dense(30, activation="relu"))
model.add(layers.Dense(15, activation="relu"))
model.add(layers.Dense(1, activation="softmax"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])

model.fit(x=X_train, y=y_train, epochs=40, batch_size=32, validation_data=(X_test, y_test), verbose=0)
print("train", model.evaluate(X_train, y_train, verbose=0))
print("test ", model.evaluate(X_test, y_test, verbose=0))
