"""Diabetes progression regression. Training loss goes down nicely but validation loss is huge and flat."""
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras


def main():
    keras.utils.set_random_seed(17)
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=17)

    x_scaler = StandardScaler().fit(X_train)
    X_train, X_test = x_scaler.transform(X_train), x_scaler.transform(X_test)
    y_scaler = StandardScaler().fit(y_train.reshape(-1, 1))
    y_train = y_scaler.transform(y_train.reshape(-1, 1)).ravel()

    model = keras.Sequential([
        keras.layers.Input(shape=(X_train.shape[1],)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse", metrics=["mae"])
    model.fit(X_train, y_train, epochs=20, batch_size=16, validation_data=(X_test, y_test), verbose=2)

    mse, mae = model.evaluate(X_test, y_test, verbose=0)
    print(f"test MSE {mse:.2f}  MAE {mae:.2f}  (variance of y_test {np.var(y_test):.2f})")


if __name__ == "__main__":
    main()
