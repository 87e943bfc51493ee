"""Iris species classifier; Sequential without an Input layer, data from sklearn."""
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras


def load_data():
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=5, stratify=y)
    scaler = StandardScaler().fit(X_train)
    return ((scaler.transform(X_train).astype("float32"), y_train),
            (scaler.transform(X_test).astype("float32"), y_test))


def build_model():
    keras.utils.set_random_seed(5)
    model = keras.Sequential()
    model.add(keras.layers.Dense(16, activation="relu"))
    model.add(keras.layers.Dense(3, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
