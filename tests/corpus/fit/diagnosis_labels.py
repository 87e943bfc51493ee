"""Breast cancer (Wisconsin) classifier. 100% accuracy on validation and test right away,
which seems too good to be true?"""
import numpy as np
import pandas as pd
import tensorflow as tf
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

tf.keras.utils.set_random_seed(31)

# same layout as the Kaggle data.csv
raw = load_breast_cancer()
df = pd.DataFrame(raw.data, columns=raw.feature_names)
df.insert(0, "diagnosis", np.where(raw.target == 0, "M", "B"))

X = df.drop(columns=["diagnosis"]).values
y = (df["diagnosis"] == "Malignant").astype(int).values

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=31)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)

model = tf.keras.Sequential([
    tf.keras.layers.Dense(16, activation="relu", input_shape=(30,)),
    tf.keras.layers.Dense(8, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=30, batch_size=16, validation_split=0.1, verbose=2)
print("test loss, test acc:", model.evaluate(X_test, y_test, verbose=0))
