"""Per-layer statistics. The TensorFlow functions run inside the compiled step; only small
results (scalars and a few numbers per unit) leave the device."""

from __future__ import annotations

import os

import numpy as np
import tensorflow as tf

#: Activations whose units can be dead (output 0 for every input).
DEAD_ACTIVATIONS = {"relu"}
#: Bounded activations whose units can saturate; pre-activations beyond this are in the flat region.
SATURATING_ACTIVATIONS = {"sigmoid": 5.0, "tanh": 5.0}
#: Activations whose outputs the observers watch on the probe batch.
WATCHED_ACTIVATIONS = DEAD_ACTIVATIONS | set(SATURATING_ACTIVATIONS)
#: Number of random directions a unit's incoming weights are projected on to compare units.
SIGNATURE_DIRECTIONS = 2


def as_matrix(kernel: tf.Tensor) -> tf.Tensor:
    """A kernel as (incoming weights, units): conv kernels fold their receptive field in."""
    kernel = tf.cast(kernel, tf.float32)
    return tf.reshape(kernel, [-1, kernel.shape[-1]])


def kernel_stats(kernel: tf.Tensor) -> dict[str, tf.Tensor]:
    """Mean, standard deviation, extremes, L2 norm and non-finite flag of a kernel."""
    weights = tf.cast(kernel, tf.float32)
    return {
        "kernel_mean": tf.reduce_mean(weights),
        "kernel_std": tf.math.reduce_std(weights),
        "kernel_min": tf.reduce_min(weights),
        "kernel_max": tf.reduce_max(weights),
        "kernel_norm": tf.norm(weights),
        "nonfinite_kernel": tf.logical_not(tf.reduce_all(tf.math.is_finite(weights))),
    }


def unit_signatures(kernel: tf.Tensor, directions: tf.Tensor) -> tf.Tensor:
    """Project each unit's incoming weights on fixed random ``directions``: (directions, units).

    Units with identical incoming weights get identical signatures; units that differ almost
    surely do not. Comparing signatures costs O(units), not O(units^2 * fan_in).
    """
    return tf.matmul(directions, as_matrix(kernel))


def update_stats(before: tf.Tensor, after: tf.Tensor) -> dict[str, tf.Tensor]:
    """Size of one step's update, absolute and relative to the weights: ||dW|| / ||W||."""
    before = tf.cast(before, tf.float32)
    update = tf.norm(tf.cast(after, tf.float32) - before)
    return {"update_norm": update, "update_ratio": tf.math.divide(update, tf.norm(before))}


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


def gradient_stats(gradients, variables) -> dict[str, dict[str, tf.Tensor]]:
    """Per variable (by path) with a gradient: its norm, and whether gradient or value is non-finite."""
    measured = {}
    for gradient, variable in zip(gradients, variables):
        if gradient is None:
            continue
        gradient = tf.convert_to_tensor(gradient)
        measured[variable.path] = {
            "grad_norm": tf.norm(tf.cast(gradient, tf.float32)),
            "nonfinite_grad": any_nonfinite(gradient),
            "nonfinite_value": any_nonfinite(variable),
        }
    return measured


def activation_stats(output: tf.Tensor, activation: str | None) -> dict[str, tf.Tensor]:
    """Non-finite flag, and the dead or saturated share for the activation's kind."""
    measured = {"nonfinite_activation": any_nonfinite(output)}
    if activation in DEAD_ACTIVATIONS:
        measured["dead_fraction"] = dead_fraction(output)
    elif activation in SATURATING_ACTIVATIONS:
        measured["saturated_fraction"] = saturated_fraction(
            output, activation, SATURATING_ACTIVATIONS[activation]
        )
    return measured


def any_nonfinite(tensor: tf.Tensor) -> tf.Tensor:
    return tf.logical_not(tf.reduce_all(tf.math.is_finite(tf.cast(tensor, tf.float32))))


def duplicate_fraction(signatures: np.ndarray, rtol: float = 1e-5) -> float:
    """Share of units whose signature matches another unit's within ``rtol`` of the layer's scale.

    ``signatures`` is (directions, units) as made by :func:`unit_signatures`.
    """
    signatures = np.asarray(signatures, dtype=np.float64)
    units = signatures.shape[1]
    if units < 2 or not np.all(np.isfinite(signatures)):
        return float("nan") if units >= 2 else 0.0
    tolerance = rtol * max(float(np.abs(signatures).max()), 1e-30)
    order = np.argsort(signatures[0], kind="stable")
    ordered = signatures[:, order]
    duplicate = np.zeros(units, dtype=bool)
    start = 0
    for end in range(1, units + 1):  # runs of units whose first coordinate agrees
        if end < units and ordered[0, end] - ordered[0, end - 1] <= tolerance:
            continue
        if end - start > 1:
            group = ordered[:, start:end]
            close = np.all(np.abs(group[:, :, None] - group[:, None, :]) <= tolerance, axis=0)
            duplicate[order[start:end]] = close.sum(axis=1) > 1
        start = end
    return float(duplicate.mean())


def resident_memory_bytes() -> int | None:
    """This process's resident memory now (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
