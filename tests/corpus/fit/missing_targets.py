"""Predicting power output from 8 sensor readings. loss: nan from the first epoch."""
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def load_readings(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8))
    w = rng.normal(size=8)
    power = 450 + 30 * X @ w + 15 * np.sin(2 * X[:, 0]) + rng.normal(scale=5, size=n)
    dropped = rng.random(n) < 0.03
    power[dropped] = np.nan
    return X.astype("float32"), power.astype("float32")


def main():
    tf.keras.utils.set_random_seed(0)
    X, y = load_readings()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    y_mean, y_std = np.nanmean(y_train), np.nanstd(y_train)
    y_train, y_test = (y_train - y_mean) / y_std, (y_test - y_mean) / y_std

    model = tf.keras.Sequential([
        tf.keras.layers.Input((8,)),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(32, activation="relu"),
        tf.keras.layers.Dense(1),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss="mse", metrics=["mae"])
    model.fit(X_train, y_train, epochs=10, batch_size=32, validation_split=0.1, verbose=2)
    pred = model.predict(X_test, verbose=0).ravel()
    ok = ~np.isnan(y_test)
    print("test MSE (standardized):", np.mean((pred[ok] - y_test[ok]) ** 2))


if __name__ == "__main__":
    main()
