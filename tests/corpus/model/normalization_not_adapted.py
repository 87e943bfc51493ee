"""Wine classifier with a Normalization layer in the model so no separate scaler is needed."""
import numpy as np
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from tensorflow import keras


def load_data():
    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X.astype("float32"), y, test_size=0.25, random_state=3, stratify=y)
    return (X_train, y_train), (X_test, y_test)


def build_model():
    keras.utils.set_random_seed(3)
    normalizer = keras.layers.Normalization(axis=-1)
    model = keras.Sequential([
        keras.Input(shape=(13,)),
        normalizer,
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
