"""Predict diabetes disease progression (sklearn diabetes data) with a small network."""
import keras
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split


def load_data():
    X, y = load_diabetes(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    x_train, x_test, y_train, y_test = train_test_split(
        X.astype("float32"), y.astype("float32"), test_size=0.2, random_state=42)
    return (x_train, y_train), (x_test, y_test)


def build_model():
    keras.utils.set_random_seed(42)
    model = keras.Sequential([
        keras.Input(shape=(10,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse", metrics=["mae"])
    return model
