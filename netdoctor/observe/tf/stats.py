"""Per-layer statistics, in TensorFlow. The one implementation every observer uses: they run
inside compiled steps, ``tf.function``s or TF1 graphs alike, and only small results (scalars
and a few numbers per unit) leave the device."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import tensorflow as tf

from netdoctor import metrics as m
from netdoctor.observe.core.records import SIGNATURE

#: Activations whose units can be dead (output 0 for every input).
DEAD_ACTIVATIONS = {"relu"}
#: Bounded activations whose units can saturate; pre-activations beyond this are in the flat region.
SATURATING_ACTIVATIONS = {"sigmoid": 5.0, "tanh": 5.0}
#: Activations whose outputs the observers watch on the probe batch.
WATCHED_ACTIVATIONS = DEAD_ACTIVATIONS | set(SATURATING_ACTIVATIONS)
#: Number of random directions a unit's incoming weights are projected on to compare units.
SIGNATURE_DIRECTIONS = 2


def as_matrix(kernel: tf.Tensor) -> tf.Tensor:
    """A kernel as (incoming weights, units): conv kernels fold their receptive field in; a
    vector or scalar is one unit."""
    kernel = tf.cast(kernel, tf.float32)
    if kernel.shape.rank is not None and kernel.shape.rank < 2:
        return tf.reshape(kernel, [-1, 1])
    units = tf.compat.dimension_value(kernel.shape[-1])  # None where the graph leaves it open
    return tf.reshape(kernel, [-1, tf.shape(kernel)[-1] if units is None else units])


def kernel_stats(kernel: tf.Tensor) -> dict[str, tf.Tensor]:
    """Mean, standard deviation, extremes, L2 norm and non-finite flag of a kernel."""
    weights = tf.cast(kernel, tf.float32)
    return {
        m.KERNEL_MEAN: tf.reduce_mean(weights),
        m.KERNEL_STD: tf.math.reduce_std(weights),
        m.KERNEL_MIN: tf.reduce_min(weights),
        m.KERNEL_MAX: tf.reduce_max(weights),
        m.KERNEL_NORM: tf.norm(weights),
        m.NONFINITE_KERNEL: any_nonfinite(weights),
    }


def unit_signatures(kernel: tf.Tensor, directions: tf.Tensor) -> tf.Tensor:
    """Project each unit's incoming weights on fixed random ``directions``: (directions, units)."""
    return tf.matmul(directions, as_matrix(kernel))


def update_stats(before: tf.Tensor, after: tf.Tensor, gradient: tf.Tensor | None = None) -> dict[str, tf.Tensor]:
    """Size of one step's update, absolute and relative to the weights: ||dW|| / ||W||; with the
    gradient, also the cosine between update and gradient (-1: straight down the gradient)."""
    before = tf.cast(before, tf.float32)
    change = tf.cast(after, tf.float32) - before
    update = tf.norm(change)
    measured = {m.UPDATE_NORM: update, m.UPDATE_RATIO: tf.math.divide(update, tf.norm(before))}
    if gradient is not None:
        measured[m.UPDATE_COSINE] = cosine(change, gradient)
    return measured


def cosine(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    """Cosine of the angle between two tensors of the same shape (NaN when either is 0)."""
    a, b = tf.reshape(tf.cast(a, tf.float32), [-1]), tf.reshape(tf.cast(b, tf.float32), [-1])
    return tf.math.divide(tf.reduce_sum(a * b), tf.norm(a) * tf.norm(b))


def dead_fraction(activation: tf.Tensor) -> tf.Tensor:
    """Share of units (last axis) whose output is <= 0 for every example and position."""
    flat = tf.reshape(tf.cast(activation, tf.float32), [-1, activation.shape[-1]])
    return tf.reduce_mean(tf.cast(tf.reduce_max(flat, axis=0) <= 0.0, tf.float32))


def saturated_fraction(activation: tf.Tensor, kind: str, bound: float) -> tf.Tensor:
    """Share of units whose output sits in the flat region (pre-activation beyond +-``bound``)
    for most examples of the batch."""
    flat = tf.reshape(tf.cast(activation, tf.float32), [-1, activation.shape[-1]])
    if kind == "sigmoid":
        low, high = tf.sigmoid(-bound), tf.sigmoid(bound)
        flat_region = (flat < low) | (flat > high)
    else:
        flat_region = tf.abs(flat) > tf.tanh(bound)
    share = tf.reduce_mean(tf.cast(flat_region, tf.float32), axis=0)
    return tf.reduce_mean(tf.cast(share > 0.5, tf.float32))


def dense_gradient(gradient: Any) -> tf.Tensor:
    """A gradient as a tensor (the values of an ``IndexedSlices``, e.g. of an embedding)."""
    if isinstance(gradient, tf.IndexedSlices):
        return gradient.values
    return tf.convert_to_tensor(gradient)


def gradient_stats(gradient: Any, variable: Any) -> dict[str, tf.Tensor]:
    """A variable's gradient norm, and whether the gradient or the variable is non-finite."""
    gradient = dense_gradient(gradient)
    return {
        m.GRAD_NORM: tf.norm(tf.cast(gradient, tf.float32)),
        m.NONFINITE_GRAD: any_nonfinite(gradient),
        m.NONFINITE_VALUE: any_nonfinite(variable),
    }


def gradients_stats(gradients, variables, names: Mapping[int, str]) -> dict[str, dict[str, tf.Tensor]]:
    """:func:`gradient_stats` of every variable with a gradient, keyed by ``names[id(variable)]``."""
    return {
        names[id(variable)]: gradient_stats(gradient, variable)
        for gradient, variable in zip(gradients, variables)
        if gradient is not None and id(variable) in names
    }


def activation_stats(output: tf.Tensor, activation: str | None) -> dict[str, tf.Tensor]:
    """Non-finite flag, and the dead or saturated share for the activation's kind."""
    measured = {m.NONFINITE_ACTIVATION: any_nonfinite(output)}
    if tf.compat.dimension_value(output.shape[-1]) is None:  # units not on the last axis: not read
        return measured
    if activation in DEAD_ACTIVATIONS:
        measured[m.DEAD_FRACTION] = dead_fraction(output)
    elif activation in SATURATING_ACTIVATIONS:
        measured[m.SATURATED_FRACTION] = saturated_fraction(
            output, activation, SATURATING_ACTIVATIONS[activation]
        )
    return measured


def any_nonfinite(tensor: tf.Tensor) -> tf.Tensor:
    return tf.logical_not(tf.reduce_all(tf.math.is_finite(tf.cast(tensor, tf.float32))))


def _fan_in(kernel: Any) -> int:
    """Rows of :func:`as_matrix` of the kernel: its incoming weights per unit."""
    shape = [int(d) for d in kernel.shape]
    return int(np.prod(shape[:-1])) if len(shape) >= 2 else int(np.prod(shape))


class KernelStatistics:
    """Statistics of a set of kernels around a training step, built in the current context
    (eager, inside a ``tf.function``, or in a TF1 graph): :meth:`before` measures the kernels
    and keeps snapshots, :meth:`after` measures the step's update."""

    def __init__(self, kernels: Mapping[str, Any], seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.kernels = dict(kernels)
        self.directions = {
            name: tf.constant(rng.standard_normal((SIGNATURE_DIRECTIONS, _fan_in(kernel))), dtype=tf.float32)
            for name, kernel in self.kernels.items()
        }

    def before(self) -> tuple[dict[str, dict[str, tf.Tensor]], dict[str, tf.Tensor]]:
        """Per-kernel statistics now (with unit signatures), and snapshots for :meth:`after`."""
        measured, snapshots = {}, {}
        for name, kernel in self.kernels.items():
            measured[name] = {**kernel_stats(kernel), SIGNATURE: unit_signatures(kernel, self.directions[name])}
            snapshots[name] = tf.identity(kernel)
        return measured, snapshots

    def after(
        self, snapshots: Mapping[str, Any], gradients: Mapping[str, Any] | None = None
    ) -> dict[str, dict[str, tf.Tensor]]:
        """Per-kernel ``update_norm`` and ``update_ratio`` since ``snapshots`` (and
        ``update_cosine`` for the kernels in ``gradients``)."""
        gradients = gradients or {}
        return {
            name: update_stats(snapshots[name], kernel, gradients.get(name))
            for name, kernel in self.kernels.items()
        }


class KernelWatch:
    """:class:`KernelStatistics` for eager code (Keras ``fit``, custom loops): each half runs as
    one compiled function, so measuring costs a few launches, not one per statistic."""

    def __init__(self, kernels: Mapping[str, Any], seed: int = 0) -> None:
        self.statistics = KernelStatistics(kernels, seed)
        self._before = tf.function(self.statistics.before)
        self._after = tf.function(self.statistics.after)

    @property
    def kernels(self) -> dict[str, Any]:
        return self.statistics.kernels

    def before(self) -> tuple[dict[str, dict[str, Any]], dict[str, tf.Tensor]]:
        if not self.kernels:
            return {}, {}
        return self._before()

    def after(self, snapshots: dict[str, tf.Tensor], gradients: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        if not self.kernels:
            return {}
        if gradients:
            return self._after(snapshots, {k: v for k, v in gradients.items() if k in self.kernels})
        return self._after(snapshots)
