"""Shared readings of a recording that rules use to gate their severity on the run's outcome.

An odd statistic on a model that learns is at most a warning; the same statistic on a run that
fails to learn is an error. "Fails to learn" is decided here, once, for every rule.
"""

from __future__ import annotations

import math

import numpy as np

from netdoctor import metrics as m
from netdoctor.findings import Severity
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


def has_hidden_layers(rec: Recording) -> bool:
    """Whether some trained layer feeds another (a model with hidden layers)."""
    return any(layer.feeds_trainable for layer in rec.kernel_layers)


def is_classifier(rec: Recording) -> bool:
    return rec.meta.get(m.TASK) in ("multiclass", "binary")


def num_classes(rec: Recording) -> int | None:
    classes = rec.meta.get(m.NUM_CLASSES)
    return int(classes) if classes else None


def chance_accuracy(rec: Recording) -> float | None:
    """Accuracy of always predicting the most frequent class (1/C for balanced data)."""
    fractions = rec.meta.get(m.CLASS_FRACTIONS)
    if fractions and len(fractions) > 1:
        return float(max(fractions))
    classes = num_classes(rec)
    return 1.0 / classes if classes and classes > 1 else None


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
    parts = [f"loss {start:.4g} -> {end:.4g}" if math.isfinite(start) else "no finite loss"]
    accuracy = rec.test_accuracy if rec.test_accuracy is not None else final_train_accuracy(rec)
    if is_classifier(rec) and accuracy is not None and math.isfinite(accuracy):
        parts.append(f"accuracy {accuracy:.3f}")
    return ", ".join(parts)


def constant_init_layers(rec: Recording) -> list[str]:
    """Hidden trainable layers whose kernel holds one value at the first sample (ND101's finding)."""
    if not rec.samples:
        return []
    first = rec.samples[0].get(m.SAMPLE_LAYERS, {})
    names = []
    for layer in rec.kernel_layers:
        stats = first.get(layer.name, {})
        low, high = stats.get(m.KERNEL_MIN), stats.get(m.KERNEL_MAX)
        if (
            layer.trainable
            and layer.feeds_trainable
            and layer.kernel_shape
            and int(np.prod(layer.kernel_shape)) > 1
            and isinstance(low, (int, float))
            and math.isfinite(low)
            and low == high
        ):
            names.append(layer.name)
    return names


def gated(rec: Recording) -> tuple[Severity, str]:
    """Severity of an odd statistic, and the sentence that says why.

    Error only if learning failed and no root cause already explains the statistic: with
    constant initialization (ND101) dead units and zero gradients are its consequences.
    """
    if not learning_failed(rec):
        return Severity.WARNING, f"The model still learns ({outcome(rec)}), so this is a warning."
    if constant_init_layers(rec):
        return Severity.WARNING, (
            f"The run failed to learn ({outcome(rec)}); this follows from the constant "
            "initialization reported by ND101."
        )
    return Severity.ERROR, f"The run failed to learn ({outcome(rec)})."


def label_facts(rec: Recording) -> dict:
    """The observer's facts about the training labels (``given``, ``expected``, ``converted``,
    ``stats``); empty when they were not recorded."""
    labels = rec.meta.get(m.LABELS)
    return labels if isinstance(labels, dict) else {}
