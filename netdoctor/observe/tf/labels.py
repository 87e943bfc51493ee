"""The labels of the batches a program trains on, measured inside its own compiled step.

A program that feeds its own batches (``fit`` on a ``tf.data`` pipeline, ``shuffle=False``, a
custom loop) decides their composition; netdoctor reads it where the step receives the
labels. Measuring is switched on for sampled steps only, through a variable, so the step is
traced once and costs nothing on the other steps.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf


class BatchLabels:
    """Distinct labels and size of the training batch, on sampled steps."""

    def __init__(self) -> None:
        with tf.init_scope():
            self.sampling = tf.Variable(False, trainable=False, name="netdoctor_sampling")
            self.classes = tf.Variable(-1, dtype=tf.int64, trainable=False, name="netdoctor_classes")
            self.size = tf.Variable(-1, dtype=tf.int64, trainable=False, name="netdoctor_batch")

    def record(self, y: Any) -> None:
        """Measure the labels ``y`` (integer classes, or one-hot rows) when sampling is on."""
        y = tf.convert_to_tensor(y)

        def measure():
            labels = tf.argmax(y, axis=-1) if _one_hot(y) else tf.reshape(y, [-1])
            labels = tf.cast(labels, tf.int64)
            self.classes.assign(tf.cast(tf.size(tf.unique(labels).y), tf.int64))
            self.size.assign(tf.cast(tf.shape(y)[0], tf.int64))
            return tf.constant(True)

        tf.cond(self.sampling, measure, lambda: tf.constant(False))

    def start(self, sampling: bool) -> None:
        """Switch measuring on (or off) for the step about to run."""
        self.sampling.assign(sampling)
        if sampling:
            self.classes.assign(-1)

    def read(self) -> tuple[int | None, int | None]:
        """(distinct labels, batch size) of the last sampled step, None where not measured."""
        classes, size = int(self.classes.numpy()), int(self.size.numpy())
        return (classes if classes >= 0 else None), (size if size >= 0 else None)


def _one_hot(y: tf.Tensor) -> bool:
    return y.shape.rank == 2 and y.shape[-1] is not None and y.shape[-1] > 1
