"""Values computed inside the program's own steps, kept where netdoctor can read them after.

Eagerly, a value is kept as it is. While a ``tf.function`` is traced, it is assigned to a
variable of netdoctor's, so every later call of the traced function updates it. Values wanted
on sampled steps only are computed under ``tf.cond`` on a switch variable: the step is traced
once and costs nothing extra on the other steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import tensorflow as tf


class Stash:
    """Named values from inside the program's steps: always (:meth:`put`) or on sampled steps
    (:meth:`put_sampled`)."""

    def __init__(self) -> None:
        self._switch: tf.Variable | None = None  # made on first use: creating it starts TensorFlow
        self.sampling = False
        self._step: int | None = None
        self._slots: dict[str, tf.Variable] = {}
        self._sampled_keys: set[str] = set()
        self._eager: dict[str, Any] = {}

    def start(self, step: int, sampling: bool) -> None:
        """Step ``step`` is about to run, sampled or not: forget the last sample's values (once
        per step, however often it is announced)."""
        if step == self._step:
            return
        self._step = step
        self.sampling = sampling
        self._flag().assign(sampling)
        if sampling:
            for key in self._sampled_keys:
                slot = self._slots.get(key)
                if slot is not None:
                    slot.assign(tf.fill(tf.shape(slot), tf.constant(math.nan, slot.dtype)))
            for key in self._sampled_keys:
                self._eager.pop(key, None)

    def _flag(self) -> tf.Variable:
        """The variable that says inside a trace whether this step is sampled."""
        if self._switch is None:
            with tf.init_scope():
                self._switch = tf.Variable(False, trainable=False, name="netdoctor_sampling")
        return self._switch

    def put(self, values: Mapping[str, tf.Tensor]) -> None:
        """Keep ``values`` (scalars) from every step."""
        if tf.executing_eagerly():
            self._eager.update(values)
            return
        for key, value in values.items():
            self._slot(key, value).assign(tf.cast(value, tf.float32))

    def put_sampled(self, compute: Callable[[], Mapping[str, tf.Tensor]]) -> None:
        """Keep what ``compute()`` returns (float tensors of static shape) on sampled steps."""
        if tf.executing_eagerly():
            if self.sampling:
                values = dict(compute())
                self._sampled_keys.update(values)
                self._eager.update(values)
            return

        def measure():
            for key, value in compute().items():
                self._sampled_keys.add(key)
                self._slot(key, value).assign(tf.cast(value, tf.float32))
            return tf.constant(True)

        tf.cond(self._flag(), measure, lambda: tf.constant(False))

    def get(self, key: str) -> Any:
        """The latest value under ``key`` (a tensor, not yet converted), or None."""
        if key in self._eager:
            return self._eager[key]
        slot = self._slots.get(key)
        return None if slot is None else slot.read_value()

    def sampled(self, prefix: str = "") -> dict[str, Any]:
        """Every sampled value whose key starts with ``prefix``, as numpy values."""
        found = {}
        for key in self._sampled_keys:
            if key.startswith(prefix):
                value = self.get(key)
                if value is not None:
                    found[key] = value.numpy() if hasattr(value, "numpy") else value
        return found

    def _slot(self, key: str, value: tf.Tensor) -> tf.Variable:
        slot = self._slots.get(key)
        if slot is None:  # scalars keep their shape; anything else may change size between calls
            shape = value.shape if value.shape.rank == 0 else tf.TensorShape(None)
            with tf.init_scope():
                slot = tf.Variable(tf.constant(math.nan), shape=shape, trainable=False, dtype=tf.float32)
            self._slots[key] = slot
        return slot
