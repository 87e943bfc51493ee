"""Iris classifier from a DataFrame with the species names as strings."""
import keras
import numpy as np
import pandas as pd
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(12)

iris = load_iris(as_frame=True)
df = iris.frame.copy()
df["species"] = iris.target_names[iris.target]
print(df.sample(5, random_state=0))

features = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
X = df[features].values
y = df["species"].map({"setosa": 1, "versicolor": 2, "virginica": 3}).values

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=12, stratify=y)
sc = StandardScaler()
X_train = sc.fit_transform(X_train)
X_test = sc.transform(X_test)

model = keras.Sequential([
    keras.layers.Input(shape=(4,)),
    keras.layers.Dense(10, activation="relu"),
    keras.layers.Dense(10, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=50, batch_size=16, verbose=0)
print(model.evaluate(X_test, y_test, verbose=0))
