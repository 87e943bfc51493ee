"""Nonlinear regression (Friedman #1 benchmark) with standardized inputs and targets."""
import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras


def main():
    keras.utils.set_random_seed(44)
    X, y = make_friedman1(n_samples=3000, n_features=10, noise=1.0, random_state=44)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=44)

    x_scaler = StandardScaler().fit(X_tr)
    y_scaler = StandardScaler().fit(y_tr.reshape(-1, 1))
    X_tr, X_te = x_scaler.transform(X_tr), x_scaler.transform(X_te)
    t_tr = y_scaler.transform(y_tr.reshape(-1, 1)).ravel()
    t_te = y_scaler.transform(y_te.reshape(-1, 1)).ravel()

    model = keras.Sequential([
        keras.layers.Input(shape=(10,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse", metrics=["mae"])
    model.fit(X_tr, t_tr, epochs=12, batch_size=32, validation_split=0.1, verbose=2)

    mse, mae = model.evaluate(X_te, t_te, verbose=0)
    lin = LinearRegression().fit(X_tr, t_tr)
    print(f"test mse {mse:.4f} (standardized); linear regression {np.mean((lin.predict(X_te) - t_te) ** 2):.4f}; "
          f"mean predictor {np.mean(t_te ** 2):.4f}")


if __name__ == "__main__":
    main()
