"""What the data allows: the trivial and linear references against obvious computations."""

from __future__ import annotations

import numpy as np
import pytest

from netdoctor.observe.core.references import measure

RNG = np.random.default_rng(0)


def blobs(n: int = 1200, classes: int = 3, dims: int = 5, spread: float = 4.0):
    centers = RNG.normal(scale=spread, size=(classes, dims))
    y = RNG.integers(0, classes, n)
    return centers[y] + RNG.normal(size=(n, dims)), y


def test_trivial_references_are_the_majority_class_and_the_class_frequencies():
    x, y = blobs()
    y[: len(y) // 2] = 0  # class 0 is the most frequent
    found = measure(x[:1000], y[:1000], x[1000:], y[1000:], task="multiclass", loss="sparse_categorical_crossentropy")
    held = found["held_out"]
    assert held["trivial_accuracy"] == pytest.approx(np.mean(y[1000:] == 0))
    frequencies = np.bincount(y[:1000], minlength=3) / 1000  # about what the fitted 80% hold
    expected = -np.mean(np.log(frequencies[y[1000:]]))
    assert held["trivial_loss"] == pytest.approx(expected, rel=0.05)


def test_the_linear_reference_separates_separable_classes_and_not_shuffled_labels():
    x, y = blobs()
    separable = measure(x[:1000], y[:1000], x[1000:], y[1000:], task="multiclass", loss="sparse_categorical_crossentropy")
    assert separable["within"]["linear_accuracy"] > 0.95 and separable["held_out"]["linear_accuracy"] > 0.95
    shuffled = RNG.permutation(y[:1000])
    unrelated = measure(x[:1000], shuffled, x[1000:], y[1000:], task="multiclass", loss="sparse_categorical_crossentropy")
    assert unrelated["within"]["linear_accuracy"] < 0.5  # three classes: chance is about a third


def test_one_hot_labels_and_image_shaped_inputs():
    x, y = blobs(n=600, dims=16)
    images, one_hot = x.reshape(-1, 4, 4, 1), np.eye(3)[y]
    found = measure(images, one_hot, None, None, task="multiclass", loss="categorical_crossentropy")
    assert "held_out" not in found and found["within"]["linear_accuracy"] > 0.9


def test_regression_references_are_the_mean_and_least_squares():
    x = RNG.normal(size=(800, 4))
    y = x @ np.array([1.0, -2.0, 0.5, 3.0]) + 100 + RNG.normal(scale=0.1, size=800)
    found = measure(x[:600], y[:600], x[600:], y[600:], task="regression", loss="mean_squared_error")
    held = found["held_out"]
    assert held["trivial_loss"] == pytest.approx(np.mean((y[600:] - y[:600][: found["fitted_on"]].mean()) ** 2), rel=0.05)
    assert held["linear_loss"] < 0.05 and held["trivial_loss"] > 10


@pytest.mark.parametrize(
    "task, loss, y",
    [
        (None, None, np.zeros(100)),
        ("regression", "huber", np.zeros(100)),  # a loss the references cannot be scored in
        ("multiclass", "sparse_categorical_crossentropy", RNG.normal(size=100)),  # not classes
        ("multiclass", "sparse_categorical_crossentropy", np.zeros(10)),  # too few examples
    ],
)
def test_no_references_where_they_do_not_apply(task, loss, y):
    assert measure(RNG.normal(size=(len(y), 3)), y, task=task, loss=loss) is None
