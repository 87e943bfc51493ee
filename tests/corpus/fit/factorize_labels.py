"""Iris species from a dataframe. 98% on the training set, but the test set is almost always wrong."""
import numpy as np
import pandas as pd
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from tensorflow import keras

keras.utils.set_random_seed(8)

iris = load_iris()
df = pd.DataFrame(iris.data, columns=iris.feature_names)
df["species"] = iris.target_names[iris.target]

train_df, test_df = train_test_split(df, test_size=0.3, random_state=9)
features = iris.feature_names

mean, std = train_df[features].mean(), train_df[features].std()
X_train = ((train_df[features] - mean) / std).to_numpy("float32")
X_test = ((test_df[features] - mean) / std).to_numpy("float32")
y_train, train_classes = pd.factorize(train_df["species"])
y_test, test_classes = pd.factorize(test_df["species"])
print("classes:", list(train_classes))

model = keras.Sequential([
    keras.layers.Input(shape=(4,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(X_train, y_train, epochs=50, batch_size=16, verbose=0)
print("train:", model.evaluate(X_train, y_train, verbose=0))
print("test:", model.evaluate(X_test, y_test, verbose=0))
