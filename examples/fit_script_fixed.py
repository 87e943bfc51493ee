"""examples/fit_script.py with the pixels scaled to [0, 1] (and Adam): it trains well.

    netdoctor check examples/fit_script_fixed.py
"""

import keras


def main():
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
    x_test = x_test.reshape(-1, 784).astype("float32") / 255.0

    classifier = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    classifier.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    classifier.fit(x_train, y_train, batch_size=50, epochs=3, validation_data=(x_test, y_test), verbose=2)


if __name__ == "__main__":
    main()
