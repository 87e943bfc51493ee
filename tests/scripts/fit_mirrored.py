"""A Keras fit under tf.distribute.MirroredStrategy over two logical CPUs: a small classifier
whose second hidden layer starts at a constant (ND101; the random layers around it break its symmetry).

    python fit_mirrored.py [--devices N]

The distributed tests import it and call ``train()`` with a Recorder, under other strategies.
"""

import argparse

import numpy as np
import tensorflow as tf


def split_cpu(devices: int) -> list[str]:
    """Split the CPU into ``devices`` logical devices (before TensorFlow is initialized); their names."""
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * devices)
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(640, 20)).astype("float32")
    y = np.digitize(x[:, 0] + x[:, 1], [-1.0, -0.3, 0.3, 1.0])  # five classes
    return x, y


def train(strategy: tf.distribute.Strategy, callbacks=(), *, fit_in_scope: bool = False):
    """Build and compile the model under ``strategy``; fit it there too with ``fit_in_scope``."""
    import keras

    keras.utils.set_random_seed(0)
    x, y = data()
    constant = keras.initializers.Constant(0.1)
    with strategy.scope():
        model = keras.Sequential(
            [
                keras.Input((20,)),
                keras.layers.Dense(16, activation="relu", name="hidden"),
                keras.layers.Dense(16, activation="relu", kernel_initializer=constant, name="constant"),
                keras.layers.Dense(5, name="scores"),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.SGD(0.05),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        if fit_in_scope:
            model.fit(x, y, batch_size=32, epochs=2, verbose=0, callbacks=list(callbacks))
    if not fit_in_scope:
        model.fit(x, y, batch_size=32, epochs=2, verbose=0, callbacks=list(callbacks))
    return model


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=2)
    devices = split_cpu(parser.parse_args().devices)
    train(tf.distribute.MirroredStrategy(devices))
