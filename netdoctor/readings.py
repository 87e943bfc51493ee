"""Readings of a recording that rules and reports share, each with one definition: where the
loss started and ended, the classes, and above all the run's outcome, judged against what the
data allows (the trivial and linear references the observer measured on the same data).

Outcomes:

``fails to learn``  no better than the trivial reference: the majority class's accuracy for a
                    classifier (within a tenth of the way to perfect), the mean's loss for a
                    regression (less than a tenth below it); or a loss that became NaN/Inf.
``learns badly``    better than trivial, but the model recovers less than ``LINEAR_SHARE`` of
                    what a linear model gains over the trivial reference on the same data.
``learns``          everything else.
``unknown``         nothing to judge it by (no loss at all).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from netdoctor import metrics as m
from netdoctor.recording import Recording

#: Without references: a run whose smoothed loss fell by less than this share "did not learn".
MIN_RELATIVE_DECREASE = 0.10
#: A classifier within this share of the way from the trivial accuracy to 1 is at chance; a
#: regression within this share below the trivial loss has not learned.
CHANCE_MARGIN = 0.10
#: A model that recovers less than this share of the linear reference's gain over the trivial
#: one "learns badly". Healthy runs of the corpus recover 0.95 to 1.2 of it.
LINEAR_SHARE = 0.75

#: Custom training loops (the run fact ``loop``): the program's own GradientTape steps.
CUSTOM_LOOPS = frozenset({"function", "eager"})

FAILS, BADLY, LEARNS, UNKNOWN = "fails to learn", "learns badly", "learns", "unknown"


def finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def loss_window(rec: Recording) -> tuple[int, int]:
    """Steps averaged for the start and the end of the loss: the first min(10, 5%) steps, and
    the last 10%."""
    size = finite(rec.train_loss).size
    return max(1, min(10, size // 20)), max(1, size // 10)


def loss_start_end(rec: Recording) -> tuple[float, float]:
    """Mean training loss over the first and the last window of steps (NaN when there is none)."""
    loss = finite(rec.train_loss)
    if loss.size == 0:
        return math.nan, math.nan
    head, tail = loss_window(rec)
    return float(loss[:head].mean()), float(loss[-tail:].mean())


def describe_loss_change(rec: Recording) -> str:
    """``loss 2.30 (steps 0-9) -> 2.30 (last 100 steps)``: the start and end, labelled once."""
    start, end = loss_start_end(rec)
    if not math.isfinite(start):
        return "no finite loss"
    head, tail = loss_window(rec)
    return f"training loss {start:.4g} (mean of the first {head} steps) -> {end:.4g} (mean of the last {tail})"


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
    return float(acc[-max(1, acc.size // 10) :].mean())


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


def at_chance(accuracy: float | None, chance: float | None, margin: float = CHANCE_MARGIN) -> bool:
    """True when ``accuracy`` is within ``margin`` of the way from chance to perfect."""
    if accuracy is None or chance is None or not math.isfinite(accuracy):
        return False
    return accuracy <= chance + margin * (1.0 - chance)


def loss_non_finite(rec: Recording) -> bool:
    return bool(rec.train_loss.size) and not np.all(np.isfinite(rec.train_loss))


#: Inputs whose |mean| or std is above this are far from normalized (ND601's default).
MAX_INPUT_SCALE = 10.0


#: Layers that standardize their inputs themselves (adapted to the data).
NORMALIZING = frozenset({"Normalization"})


def model_input_stats(rec: Recording) -> tuple[dict[str, Any], list[str]]:
    """The training inputs' statistics as the first layer with weights receives them, after the
    Rescaling layers before it, and the names of those layers; empty statistics when an
    adapted Normalization layer standardizes them there."""
    stats = dict(rec.meta.get(m.INPUT_STATS) or {})
    applied = []
    for layer in rec.layers:
        if layer.has_kernel:
            break
        if layer.kind in NORMALIZING and layer.rescale is None:  # adapted (or given its statistics)
            return {}, [*applied, layer.name]
        if layer.rescale is not None and stats:
            scale, offset = layer.rescale
            low, high = (stats.get(k) for k in ("min", "max"))
            if isinstance(low, (int, float)) and isinstance(high, (int, float)):
                stats["min"], stats["max"] = sorted((low * scale + offset, high * scale + offset))
            if isinstance(stats.get("mean"), (int, float)):
                stats["mean"] = stats["mean"] * scale + offset
            if isinstance(stats.get("std"), (int, float)):
                stats["std"] = stats["std"] * abs(scale)
            applied.append(layer.name)
    return stats, applied


def inputs_unnormalized(rec: Recording, max_scale: float = MAX_INPUT_SCALE) -> bool:
    """Whether the inputs' |mean| or std, as the model's first weighted layer receives them, is
    above ``max_scale``."""
    stats, _ = model_input_stats(rec)
    mean, std = stats.get("mean"), stats.get("std")
    values = [v for v in (mean, std) if isinstance(v, (int, float)) and math.isfinite(v)]
    return bool(values) and max(abs(v) for v in values) > max_scale


#: Keras's default learning rate for each optimizer; adaptive optimizers (which scale each
#: weight's step to its gradient history) are marked True.
DEFAULT_RATES = {
    "SGD": (0.01, False), "GradientDescentOptimizer": (None, False), "MomentumOptimizer": (None, False),
    "Adam": (1e-3, True), "AdamW": (1e-3, True), "Adamax": (1e-3, True), "Nadam": (1e-3, True),
    "RMSprop": (1e-3, True), "Adagrad": (1e-3, True), "Adadelta": (1e-3, True), "Lion": (1e-4, True),
    "Adafactor": (1e-3, True), "AdamOptimizer": (1e-3, True), "RMSPropOptimizer": (None, True),
    "AdagradOptimizer": (None, True),
}  # fmt: skip


def learning_rate(rec: Recording) -> tuple[float | None, float | None, bool]:
    """(learning rate, the optimizer's Keras default, whether the optimizer is adaptive)."""
    rate = rec.meta.get(m.LEARNING_RATE)
    rate = float(rate) if isinstance(rate, (int, float)) and math.isfinite(rate) else None
    default, adaptive = DEFAULT_RATES.get(str(rec.meta.get(m.OPTIMIZER_KIND)), (None, False))
    return rate, default, adaptive


def effective_rate(rec: Recording) -> tuple[float | None, float]:
    """(the step size the optimizer takes in the long run, its momentum): with momentum m, SGD's
    steps add up to learning_rate / (1 - m)."""
    rate, _, _ = learning_rate(rec)
    momentum = rec.meta.get(m.MOMENTUM)
    momentum = float(momentum) if isinstance(momentum, (int, float)) and 0 <= momentum < 1 else 0.0
    return (None if rate is None else rate / (1 - momentum)), momentum


def references(rec: Recording) -> dict[str, Any]:
    """The references the observer measured (``within`` the training data, ``held_out``)."""
    found = rec.meta.get(m.REFERENCES)
    return found if isinstance(found, dict) else {}


def label_facts(rec: Recording) -> dict:
    """The observer's facts about the training labels (``given``, ``expected``, ``converted``,
    ``stats``); empty when they were not recorded."""
    labels = rec.meta.get(m.LABELS)
    return labels if isinstance(labels, dict) else {}


@dataclass(frozen=True)
class Outcome:
    """How the run ended, next to what the data allows."""

    kind: str  # FAILS, BADLY, LEARNS, UNKNOWN
    task: str | None
    measure: str  # "accuracy" or "loss": what the verdict is read from
    on: str  # "held-out" or "training": where it was measured
    value: float | None  # the run's own final figure
    trivial: float | None  # the trivial reference on the same part of the data
    linear: float | None  # the linear reference on the same part of the data
    train_value: float | None  # the same measure on the training data, when ``on`` is held-out

    @property
    def failed(self) -> bool:
        return self.kind in (FAILS, BADLY)

    @property
    def sentence(self) -> str:
        """One line: 'fails to learn: held-out accuracy 0.113, the same as always predicting the
        most frequent class (0.113); a linear model reaches 0.818 on the same data'."""
        if self.kind == UNKNOWN or self.value is None:
            return "the outcome is unknown: no loss was recorded"
        if not math.isfinite(self.value):
            return f"{self.kind}: the loss became NaN or Inf"
        name = f"{self.on} {self.measure}"
        text = f"{self.kind}: {name} {_figure(self.value, self.measure)}"
        if self.trivial is not None:
            if self.measure == m.ACCURACY:
                trivial = "always predicting the most frequent class"
            elif self.task == "regression":
                trivial = "predicting the mean"
            else:
                trivial = "predicting the class frequencies"
            text += f"; {trivial} scores {_figure(self.trivial, self.measure)}"
        if self.linear is not None:
            text += f"; a linear model on the same data scores {_figure(self.linear, self.measure)}"
        return text


def _figure(value: float, measure: str) -> str:
    return f"{value:.3f}" if measure == m.ACCURACY else f"{value:.4g}"


def _reference(rec: Recording, part: str, key: str) -> float | None:
    value = references(rec).get(part, {}).get(key)
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def outcome(rec: Recording) -> Outcome:
    """The run's outcome: classifiers by accuracy, regressions by loss, each on held-out data
    where the run has some, against the trivial and linear references."""
    held_out = rec.test_accuracy is not None or rec.test_loss is not None
    part = "held_out" if held_out and "held_out" in references(rec) else "within"
    on = "held-out" if held_out else "training"
    task = rec.meta.get(m.TASK)
    if loss_non_finite(rec):
        return Outcome(FAILS, task, m.LOSS, "training", math.nan, None, None, None)
    if is_classifier(rec):
        value = rec.test_accuracy if rec.test_accuracy is not None else final_train_accuracy(rec)
        if value is not None and math.isfinite(value):
            trivial = _reference(rec, part, "trivial_accuracy")
            trivial = chance_accuracy(rec) if trivial is None else trivial
            linear = _reference(rec, part, "linear_accuracy")
            train = final_train_accuracy(rec) if rec.test_accuracy is not None else None
            kind = LEARNS
            if trivial is not None and at_chance(value, trivial):
                kind = FAILS
            elif trivial is not None and linear is not None and linear > trivial:
                if value < trivial + LINEAR_SHARE * (linear - trivial):
                    kind = BADLY
            if kind != FAILS and not _loss_fell(rec):
                kind = FAILS
            return Outcome(kind, task, m.ACCURACY, "held-out" if rec.test_accuracy is not None else "training", value,
                           trivial, linear, None if train is None or not math.isfinite(train) else train)  # fmt: skip
    start, end = loss_start_end(rec)
    value = rec.test_loss if rec.test_loss is not None and math.isfinite(rec.test_loss) else end
    if value is None or not math.isfinite(value):
        return Outcome(UNKNOWN, task, m.LOSS, on, None, None, None, None)
    on = "held-out" if rec.test_loss is not None and math.isfinite(rec.test_loss) else "training"
    trivial = _reference(rec, part, "trivial_loss")
    linear = _reference(rec, part, "linear_loss") if task == "regression" else None
    kind = LEARNS
    if trivial is not None:
        if value >= (1 - CHANCE_MARGIN) * trivial:
            kind = FAILS
        elif linear is not None and linear < trivial and value > trivial - LINEAR_SHARE * (trivial - linear):
            kind = BADLY
    else:
        decrease = relative_decrease(rec)
        if math.isfinite(decrease) and decrease < MIN_RELATIVE_DECREASE:
            kind = FAILS
    train = end if on == "held-out" else None
    return Outcome(kind, task, m.LOSS, on, value, trivial, linear, train)


def _loss_fell(rec: Recording) -> bool:
    """Whether the training loss ended below a trivial predictor's (the class frequencies' on the
    training data), or, without that reference, fell by at least ``MIN_RELATIVE_DECREASE``."""
    _, end = loss_start_end(rec)
    trivial = _reference(rec, "within", "trivial_loss")
    if trivial is not None and math.isfinite(end):
        return end < (1 - CHANCE_MARGIN) * trivial
    decrease = relative_decrease(rec)
    return not math.isfinite(decrease) or decrease >= MIN_RELATIVE_DECREASE


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
