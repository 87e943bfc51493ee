"""MNIST digits saved one folder per class; tf.data pipeline into a Keras MLP. Val accuracy jumps around."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

BATCH_SIZE = 64
EPOCHS = 8


def load_folders():
    # stands in for reading train/0/*.png, train/1/*.png, ...
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    xs = [x_train[y_train == digit] for digit in range(10)]
    ys = [np.full(len(x), digit) for digit, x in enumerate(xs)]
    return (np.concatenate(xs), np.concatenate(ys)), (x_test, y_test)


def preprocess(image, label):
    return tf.cast(image, tf.float32) / 255.0, label


def main():
    keras.utils.set_random_seed(31)
    (x_train, y_train), (x_test, y_test) = load_folders()
    train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
                .map(preprocess)
                .batch(BATCH_SIZE)
                .shuffle(1000)
                .prefetch(tf.data.AUTOTUNE))
    test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).map(preprocess).batch(256)

    model = keras.Sequential([
        keras.layers.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(train_ds, epochs=EPOCHS, validation_data=test_ds, verbose=2)
    loss, acc = model.evaluate(test_ds, verbose=0)
    print(f"test accuracy {acc:.3f} (loss {loss:.3f})")


if __name__ == "__main__":
    main()
