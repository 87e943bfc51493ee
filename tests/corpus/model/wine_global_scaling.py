"""Wine cultivar classifier. Features are standardized before training."""
import numpy as np
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from tensorflow import keras


def load_data():
    wine = load_wine()
    X = wine.data.astype("float32")
    y = wine.target
    X = (X - X.mean()) / X.std()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=12, stratify=y)
    return (X_train, y_train), (X_test, y_test)


def build_model():
    keras.utils.set_random_seed(12)
    model = keras.Sequential([
        keras.Input(shape=(13,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
