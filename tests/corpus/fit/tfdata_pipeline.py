"""MNIST MLP fed by a tf.data pipeline (cast and scale in map, shuffle, batch, prefetch)."""
import tensorflow as tf
from tensorflow import keras


def preprocess(image, label):
    image = tf.cast(image, tf.float32) / 255.0
    return image, tf.cast(label, tf.int32)


def make_dataset(x, y, batch_size, training):
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if training:
        ds = ds.shuffle(len(x), seed=3, reshuffle_each_iteration=True)
    return ds.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE).batch(batch_size).prefetch(tf.data.AUTOTUNE)


def main():
    keras.utils.set_random_seed(3)
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    train_ds = make_dataset(x_train, y_train, 64, training=True)
    test_ds = make_dataset(x_test, y_test, 256, training=False)

    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(train_ds, epochs=10, validation_data=test_ds, verbose=2)
    loss, acc = model.evaluate(test_ds, verbose=0)
    print(f"test accuracy {acc:.3f} (loss {loss:.3f})")


if __name__ == "__main__":
    main()
