"""Fit a noisy 1-D curve y = sin(3x) + 0.3x with a small MLP."""
import numpy as np
import tensorflow as tf


def make_data(n, rng):
    x = rng.uniform(-2, 2, size=(n, 1)).astype("float32")
    y = (np.sin(3 * x) + 0.3 * x + rng.normal(scale=0.1, size=(n, 1))).astype("float32")
    return x, y


def main():
    tf.keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    x_train, y_train = make_data(2000, rng)
    x_test, y_test = make_data(500, rng)

    model = tf.keras.Sequential([
        tf.keras.layers.Input((1,)),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(1),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(3e-3), loss="mse")
    model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=2)
    mse = model.evaluate(x_test, y_test, verbose=0)
    print("test MSE %.4f (noise variance 0.01, variance of y %.4f)" % (mse, y_test.var()))


if __name__ == "__main__":
    main()
