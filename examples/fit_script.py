"""A plain Keras training script with a classic bug: the pixels are never scaled.

MNIST images arrive as integers 0..255. Fed as they are to a ReLU network trained with SGD at
a learning rate of 0.1, the first updates are huge and training falls apart.

netdoctor runs the script unchanged (it serves MNIST offline) and records every `fit`:

    netdoctor check examples/fit_script.py
"""

import keras


def main():
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32")  # bug: still 0..255
    x_test = x_test.reshape(-1, 784).astype("float32")

    classifier = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    classifier.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    classifier.fit(x_train, y_train, batch_size=50, epochs=3, validation_data=(x_test, y_test), verbose=2)


if __name__ == "__main__":
    main()
