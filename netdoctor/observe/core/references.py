"""What the data allows: the scores of a trivial predictor and of a linear model, measured on the
same data the program trains on, to judge the program's own outcome against.

- The *trivial* reference predicts without looking at the inputs: the most frequent class
  (accuracy) or the class frequencies (cross-entropy); the training mean for regression (squared
  error; the median for absolute error).
- The *linear* reference is ridge regression on standardized inputs, solved in closed form:
  on one-hot targets for classifiers (its accuracy is that of the largest output), on the targets
  for regression. It takes well under a second on MNIST-sized data.

Both are scored on held-out data: a part of the training data set aside for the purpose
(``within``), and the program's own held-out data when it has some (``held_out``). A linear
model that learns ``within`` but not on the held-out data says the two do not match; one that
learns neither says the labels carry nothing the inputs could predict.

Framework-free: numpy only.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from netdoctor import data as datasets
from netdoctor import metrics as m

#: At most this many examples and input features go into the linear fit.
MAX_EXAMPLES = 2_500
MAX_FEATURES = 2_048
#: Share of the training examples set aside to score the references within the training data.
WITHIN_SHARE = 0.2
#: Ridge penalty, relative to the mean diagonal of X^T X.
RIDGE = 1e-2
#: Probabilities are clipped here before a log, as Keras does.
EPSILON = 1e-7
#: Losses the references can be scored in, by Keras name, with the task they imply.
CLASSIFICATION_LOSSES = {"sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy"}
REGRESSION_LOSSES = {"mean_squared_error": "squared", "mse": "squared", "mean_absolute_error": "absolute", "mae": "absolute"}


def _features(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Flattened float64 features; a random projection when there are too many."""
    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    if x.shape[1] > MAX_FEATURES:
        projection = rng.standard_normal((x.shape[1], MAX_FEATURES)) / math.sqrt(MAX_FEATURES)
        x = x @ projection
    return x


def _classes(y: np.ndarray) -> np.ndarray | None:
    """Integer class labels from integer or one-hot labels, or None."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1).astype(np.int64)
    flat = y.reshape(len(y), -1)
    if flat.shape[1] != 1:
        return None
    flat = flat[:, 0]
    if not np.all(np.isfinite(flat.astype(float))) or not np.all(flat == np.round(flat)) or flat.min() < 0:
        return None
    return flat.astype(np.int64)


class Linear:
    """Ridge regression on standardized features (with an intercept), closed form."""

    def __init__(self, x: np.ndarray, targets: np.ndarray) -> None:
        self.mean = x.mean(axis=0)
        self.scale = x.std(axis=0)
        self.scale[self.scale == 0] = 1.0
        z = (x - self.mean) / self.scale
        z = np.hstack([z, np.ones((len(z), 1))])
        gram = z.T @ z
        penalty = RIDGE * float(np.mean(np.diag(gram)[:-1])) if z.shape[1] > 1 else 0.0
        gram[np.arange(z.shape[1] - 1), np.arange(z.shape[1] - 1)] += penalty  # not the intercept
        self.weights = np.linalg.solve(gram, z.T @ targets)

    def predict(self, x: np.ndarray) -> np.ndarray:
        z = (x - self.mean) / self.scale
        return np.hstack([z, np.ones((len(z), 1))]) @ self.weights


def _score_classifier(
    x_fit: np.ndarray, c_fit: np.ndarray, classes: int, parts: dict[str, tuple[np.ndarray, np.ndarray]]
) -> dict[str, Any]:
    frequencies = np.bincount(c_fit, minlength=classes).astype(float)
    frequencies /= frequencies.sum()
    majority = int(np.argmax(frequencies))
    linear = Linear(x_fit, np.eye(classes)[c_fit])
    found: dict[str, Any] = {}
    for name, (x, c) in parts.items():
        if len(c) == 0:
            continue
        known = c < classes
        found[name] = {
            "examples": int(len(c)),
            "trivial_accuracy": float(np.mean(c == majority)),
            "trivial_loss": float(-np.mean(np.log(np.clip(frequencies[c[known]], EPSILON, 1.0)))) if known.any() else math.nan,
            "linear_accuracy": float(np.mean(linear.predict(x).argmax(axis=1) == c)),
        }
    return found


def _score_regressor(
    x_fit: np.ndarray, y_fit: np.ndarray, kind: str, parts: dict[str, tuple[np.ndarray, np.ndarray]]
) -> dict[str, Any]:
    center = np.median(y_fit, axis=0) if kind == "absolute" else y_fit.mean(axis=0)
    linear = Linear(x_fit, y_fit)

    def loss(error: np.ndarray) -> float:
        return float(np.mean(np.abs(error)) if kind == "absolute" else np.mean(error**2))

    found: dict[str, Any] = {}
    for name, (x, y) in parts.items():
        if len(y) == 0:
            continue
        found[name] = {
            "examples": int(len(y)),
            "trivial_loss": loss(y - center),
            "linear_loss": loss(y - linear.predict(x)),
        }
    return found


def measure(
    x_train: Any,
    y_train: Any,
    x_test: Any = None,
    y_test: Any = None,
    *,
    task: str | None,
    loss: str | None,
    seed: int = 0,
) -> dict[str, Any] | None:
    """The references for this data, or None where they do not apply (unknown task or loss,
    too little data, labels that are not classes).

    Returns ``{"within": {...}, "held_out": {...}, "fitted_on": N, "loss": name}`` with, per
    part, ``trivial_accuracy``/``linear_accuracy`` and ``trivial_loss`` for classifiers, or
    ``trivial_loss``/``linear_loss`` for regression.
    """
    if task not in ("multiclass", "binary", "regression") or x_train is None or y_train is None:
        return None
    if task == "regression" and loss not in REGRESSION_LOSSES:
        return None
    rng = np.random.default_rng(seed)
    x_all = np.asarray(x_train)
    y_all = np.asarray(y_train)
    if len(x_all) != len(y_all) or len(x_all) < 20:
        return None
    order = rng.permutation(len(x_all))[:MAX_EXAMPLES]
    x_all, y_all = _features(x_all[order], rng), y_all[order]
    finite = np.all(np.isfinite(x_all), axis=1)
    cut = int(len(x_all) * (1 - WITHIN_SHARE))
    fit, within = slice(0, cut), slice(cut, len(x_all))
    parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    test = None
    if x_test is not None and y_test is not None and len(x_test):
        test_order = rng.permutation(len(x_test))[:MAX_EXAMPLES]
        test_x = _features(np.asarray(x_test)[test_order], np.random.default_rng(seed))
        test = (test_x, np.asarray(y_test)[test_order])
    if task == "regression":
        y_all = y_all.reshape(len(y_all), -1).astype(np.float64)
        keep = finite & np.all(np.isfinite(y_all), axis=1)
        parts["within"] = (x_all[within][keep[within]], y_all[within][keep[within]])
        if test is not None:
            test_y = test[1].reshape(len(test[1]), -1).astype(np.float64)
            ok = np.all(np.isfinite(test[0]), axis=1) & np.all(np.isfinite(test_y), axis=1)
            parts["held_out"] = (test[0][ok], test_y[ok])
        x_fit, y_fit = x_all[fit][keep[fit]], y_all[fit][keep[fit]]
        if len(x_fit) < 10:
            return None
        scored = _score_regressor(x_fit, y_fit, REGRESSION_LOSSES[loss], parts)
    else:
        classes_all = _classes(y_all)
        if classes_all is None:
            return None
        count = max(2, int(classes_all.max()) + 1)
        parts["within"] = (x_all[within][finite[within]], classes_all[within][finite[within]])
        if test is not None:
            test_classes = _classes(test[1])
            if test_classes is not None:
                ok = np.all(np.isfinite(test[0]), axis=1)
                parts["held_out"] = (test[0][ok], test_classes[ok])
        x_fit, c_fit = x_all[fit][finite[fit]], classes_all[fit][finite[fit]]
        if len(x_fit) < 10:
            return None
        scored = _score_classifier(x_fit, c_fit, count, parts)
    return {**scored, "fitted_on": int(len(x_fit)), m.LOSS_NAME: loss}


def record(records: Any, x_train: Any, y_train: Any, x_test: Any, y_test: Any, *, task: str | None, loss: str | None, seed: int) -> None:
    """Measure the references and write them, with the held-out inputs' statistics, as run facts."""
    facts: dict[str, Any] = {}
    measured = measure(x_train, y_train, x_test, y_test, task=task, loss=loss, seed=seed)
    if measured is not None:
        facts[m.REFERENCES] = measured
    if x_test is not None and len(x_test):
        facts[m.HELD_OUT_INPUT_STATS] = datasets.describe(np.asarray(x_test)[:MAX_EXAMPLES])
    if facts:
        records.write("meta", **facts)
