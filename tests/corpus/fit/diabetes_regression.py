"""Regression on the sklearn diabetes data set (disease progression after one year)."""
import keras
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split


def main():
    keras.utils.set_random_seed(11)
    data = load_diabetes()
    X, y = data.data.astype("float32"), data.target.astype("float32")
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=42)

    x_mean, x_std = X_tr.mean(axis=0), X_tr.std(axis=0)
    X_tr = (X_tr - x_mean) / x_std
    X_te = (X_te - x_mean) / x_std
    y_mean, y_std = y_tr.mean(), y_tr.std()
    y_tr_s = (y_tr - y_mean) / y_std
    y_te_s = (y_te - y_mean) / y_std

    inputs = keras.Input(shape=(10,))
    h = keras.layers.Dense(32, activation="relu")(inputs)
    h = keras.layers.Dense(16, activation="relu")(h)
    outputs = keras.layers.Dense(1)(h)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse", metrics=["mae"])

    model.fit(X_tr, y_tr_s, epochs=25, batch_size=16, validation_data=(X_te, y_te_s), verbose=0)

    mse = model.evaluate(X_te, y_te_s, verbose=0)[0]
    baseline = float(np.mean((y_te_s - y_tr_s.mean()) ** 2))
    print(f"test MSE (standardized) {mse:.3f}   mean-predictor MSE {baseline:.3f}")
    pred = model.predict(X_te, verbose=0).ravel() * y_std + y_mean
    print(f"test MAE in original units: {np.mean(np.abs(pred - y_te)):.1f}")


if __name__ == "__main__":
    main()
