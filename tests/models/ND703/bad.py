"""ND703 bad: a debugging layer keeps a copy of every batch it sees, so memory grows each step."""

import keras
import tensorflow as tf

SEEN = []  # every batch ever seen: nothing is ever dropped


class KeepBatches(keras.layers.Layer):
    def call(self, x):
        def keep(batch):
            SEEN.append(batch.numpy().copy())
            return batch

        kept = tf.py_function(keep, [x], tf.float32)
        kept.set_shape(x.shape)
        return kept


def build_model():
    model = keras.Sequential(
        [
            keras.Input((784,)),
            KeepBatches(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    return model
