"""The observer's statistics against plain numpy computations of the same quantities."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
from netdoctor.observe.core.statistics import duplicate_fraction  # noqa: E402
from netdoctor.observe.tf import stats  # noqa: E402

RNG = np.random.default_rng(0)


def brute_force_duplicates(kernel: np.ndarray) -> float:
    """Share of units (columns) equal to some other column: the obvious O(n^2) reference."""
    columns = kernel.reshape(-1, kernel.shape[-1]).T
    same = [any(np.array_equal(a, b) for j, b in enumerate(columns) if j != i) for i, a in enumerate(columns)]
    return float(np.mean(same))


def test_kernel_stats_match_numpy():
    kernel = RNG.normal(size=(30, 7)).astype("float32")
    got = {k: float(v) for k, v in stats.kernel_stats(tf.constant(kernel)).items()}
    assert got["kernel_mean"] == pytest.approx(kernel.mean(), rel=1e-5)
    assert got["kernel_std"] == pytest.approx(kernel.std(), rel=1e-5)
    assert got["kernel_min"] == kernel.min() and got["kernel_max"] == kernel.max()
    assert got["kernel_norm"] == pytest.approx(np.linalg.norm(kernel), rel=1e-5)
    assert got["nonfinite_kernel"] == 0.0
    kernel[3, 2] = np.nan
    assert bool(stats.kernel_stats(tf.constant(kernel))["nonfinite_kernel"])


@pytest.mark.parametrize(
    "kernel",
    [
        np.zeros((784, 16)),
        np.full((16, 16), 0.1),
        RNG.normal(size=(64, 32)),
        np.repeat(RNG.normal(size=(20, 3)), [4, 1, 5], axis=1),  # 3 groups of copies among 10 units
        np.concatenate([RNG.normal(size=(9, 6)), RNG.normal(size=(9, 1)).repeat(2, axis=1)], axis=1),
        RNG.normal(size=(3, 3, 4, 8)),  # a conv kernel: units are the 8 filters
    ],
)
def test_symmetric_fraction_matches_brute_force(kernel):
    kernel = kernel.astype("float32")
    fan_in = int(np.prod(kernel.shape[:-1]))
    directions = tf.constant(RNG.normal(size=(stats.SIGNATURE_DIRECTIONS, fan_in)), dtype=tf.float32)
    signatures = stats.unit_signatures(tf.constant(kernel), directions).numpy()
    assert duplicate_fraction(signatures) == pytest.approx(brute_force_duplicates(kernel))


def test_update_ratio_is_norm_of_change_over_norm_of_weights():
    before = RNG.normal(size=(10, 5)).astype("float32")
    after = before + RNG.normal(scale=1e-3, size=before.shape).astype("float32")
    got = stats.update_stats(tf.constant(before), tf.constant(after))
    expected = np.linalg.norm(after - before) / np.linalg.norm(before)
    assert float(got["update_ratio"]) == pytest.approx(expected, rel=1e-3)
    assert float(got["update_norm"]) == pytest.approx(np.linalg.norm(after - before), rel=1e-3)


def test_dead_fraction_counts_units_silent_on_every_example():
    activation = np.abs(RNG.normal(size=(50, 8))).astype("float32")
    activation[:, [1, 5]] = 0.0
    activation[:49, 6] = 0.0  # alive on one example: not dead
    assert float(stats.dead_fraction(tf.constant(activation))) == pytest.approx(2 / 8)
    images = np.maximum(RNG.normal(size=(4, 5, 5, 3)), 0).astype("float32")
    images[..., 0] = 0.0
    assert float(stats.dead_fraction(tf.constant(images))) == pytest.approx(1 / 3)


def test_saturated_fraction_of_sigmoid_units():
    pre = RNG.normal(size=(100, 4)).astype("float32")
    pre[:, 0] = 8.0  # always saturated high
    pre[:80, 1] = -9.0  # saturated on 80% of examples
    pre[:30, 2] = 9.0  # only 30%
    output = tf.sigmoid(tf.constant(pre))
    assert float(stats.saturated_fraction(output, "sigmoid", 5.0)) == pytest.approx(2 / 4)
    reference = np.mean((np.abs(pre) > 5.0).mean(axis=0) > 0.5)
    assert float(stats.saturated_fraction(tf.tanh(tf.constant(pre)), "tanh", 5.0)) == pytest.approx(reference)
