"""Diabetes regression with standardized features and targets. Test MSE is no better than predicting the mean."""
import keras
import numpy as np
from keras import layers
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def load_data():
    X, y = load_diabetes(return_X_y=True)
    y = y.reshape(-1, 1)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3)
    x_scaler = StandardScaler().fit(X_train)
    y_scaler = StandardScaler().fit(y_train)
    X_train, X_test = x_scaler.transform(X_train), x_scaler.transform(X_test)
    y_train, y_test = y_scaler.transform(y_train), y_scaler.transform(y_test)
    return ((X_train.astype(np.float32), y_train.astype(np.float32)),
            (X_test.astype(np.float32), y_test.astype(np.float32)))


def build_model():
    keras.utils.set_random_seed(5)
    model = keras.Sequential([
        layers.Input((10,)),
        layers.Dense(32, activation="relu", kernel_regularizer=keras.regularizers.l2(1e-3)),
        layers.Dropout(0.2),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="relu"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse", metrics=["mae"])
    return model
