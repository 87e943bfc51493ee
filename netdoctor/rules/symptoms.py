"""Shared readings of a recording that rules use to gate their severity on the run's outcome.

An odd statistic on a model that learns is at most a warning; the same statistic on a run that
fails to learn is an error. "Fails to learn" is decided here, once, for every rule.
"""

from __future__ import annotations

import math

import numpy as np

from netdoctor.recording import Recording

#: A run whose smoothed loss fell by less than this fraction of its start "did not learn".
MIN_RELATIVE_DECREASE = 0.10


def finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def loss_start_end(rec: Recording) -> tuple[float, float]:
    """Mean loss over the first and last windows of training (NaN when there is no loss)."""
    loss = finite(rec.train_loss)
    if loss.size == 0:
        return math.nan, math.nan
    head = max(1, min(10, loss.size // 20))
    tail = max(1, loss.size // 10)
    return float(loss[:head].mean()), float(loss[-tail:].mean())


def relative_decrease(rec: Recording) -> float:
    """(start - end) / |start| of the smoothed training loss."""
    start, end = loss_start_end(rec)
    if not (math.isfinite(start) and math.isfinite(end)) or start == 0:
        return math.nan
    return (start - end) / abs(start)


def final_train_accuracy(rec: Recording) -> float:
    acc = finite(rec.train_accuracy)
    if acc.size == 0:
        return math.nan
    return float(acc[-max(1, acc.size // 10):].mean())


def is_classifier(rec: Recording) -> bool:
    return rec.meta.get("task") in ("multiclass", "binary")


def num_classes(rec: Recording) -> int | None:
    classes = rec.meta.get("num_classes")
    return int(classes) if classes else None


def chance_accuracy(rec: Recording) -> float | None:
    """Accuracy of always predicting the most frequent class (1/C for balanced data)."""
    fractions = rec.meta.get("class_fractions")
    if fractions:
        return float(max(fractions))
    classes = num_classes(rec)
    return 1.0 / classes if classes else None


def at_chance(accuracy: float | None, chance: float | None, margin: float = 0.1) -> bool:
    """True when ``accuracy`` is within ``margin`` of the way from chance to perfect."""
    if accuracy is None or chance is None or not math.isfinite(accuracy):
        return False
    return accuracy <= chance + margin * (1.0 - chance)


def loss_non_finite(rec: Recording) -> bool:
    return bool(rec.train_loss.size) and not np.all(np.isfinite(rec.train_loss))


def learning_failed(rec: Recording) -> bool:
    """The run shows a failure symptom: non-finite loss, a flat loss, or chance accuracy."""
    if loss_non_finite(rec):
        return True
    decrease = relative_decrease(rec)
    if math.isfinite(decrease) and decrease < MIN_RELATIVE_DECREASE:
        return True
    if is_classifier(rec):
        chance = chance_accuracy(rec)
        accuracy = rec.test_accuracy if rec.test_accuracy is not None else final_train_accuracy(rec)
        return at_chance(accuracy, chance)
    return False


def outcome(rec: Recording) -> str:
    """A short phrase with the run's outcome, for messages: 'loss 2.303 -> 2.301, accuracy 0.11'."""
    start, end = loss_start_end(rec)
    parts = [f"loss {start:.4g} -> {end:.4g}"]
    accuracy = rec.test_accuracy if rec.test_accuracy is not None else final_train_accuracy(rec)
    if is_classifier(rec) and accuracy is not None and math.isfinite(accuracy):
        parts.append(f"accuracy {accuracy:.3f}")
    return ", ".join(parts)
