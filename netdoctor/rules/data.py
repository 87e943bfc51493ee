"""ND6xx: data. Inputs on the wrong scale, batches in label order, values that are not numbers.
Read from the data facts recorded before training starts, and from the batches sampled."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from netdoctor import metrics as m
from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import Recording
from netdoctor.rules import symptoms
from netdoctor.rules.registry import RuleContext, rule


@rule(
    "ND601",
    "unnormalized-inputs",
    Severity.ERROR,
    "The input features are far from a normalized range (e.g. pixels 0..255).",
    requires={m.INPUT_STATS},
    max_scale=10.0,
    min_scale=0.01,
)
def unnormalized_inputs(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag training inputs whose values are far larger or far smaller than about 1.

    **What it checks.** The mean, standard deviation and range of the training inputs as the
    model receives them. It fires when the absolute mean or the standard deviation is above
    ``max_scale``, or when the largest absolute value is below ``min_scale``. Inputs in [0, 1]
    or standardized to mean 0 and std 1 pass; MNIST loaded by netdoctor itself is scaled to
    [0, 1] before training.

    **Why it matters.** The first layer's output, and so every activation and gradient after it,
    scales with the inputs. Pixels in 0..255 make the first pre-activations hundreds of times
    larger than the initializers assume: sigmoid and tanh saturate, ReLUs die after the first
    large update, the first loss is huge, and a learning rate that suits normalized data
    diverges. Inputs near 0 starve the network the other way.

    **Example.** MNIST pixels passed as 0..255 to a CNN trained with ``SGD(0.01)``: the first
    loss is 137 and the network ends at chance.

    **Fix.** Scale the inputs: divide pixels by 255, or standardize each feature with statistics
    of the training set (``keras.layers.Normalization()`` with ``adapt(x_train)``).

    **Options.** ``max_scale`` (default 10): the largest acceptable absolute mean or standard
    deviation. ``min_scale`` (default 0.01): the smallest acceptable largest absolute value.
    """
    stats = rec.meta.get(m.INPUT_STATS) or {}
    values = [stats.get(key) for key in ("min", "max", "mean", "std")]
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values):
        return
    low, high, mean, std = values
    largest = max(abs(low), abs(high))
    if max(abs(mean), std) > ctx["max_scale"]:
        problem = f"expected |mean| and std below {ctx['max_scale']:g}, as for inputs in [0, 1] or standardized ones"
        evidence = [Evidence("input_std", std, f"<= {ctx['max_scale']:g}"), Evidence("input_mean", mean, f"|mean| <= {ctx['max_scale']:g}")]
    elif largest < ctx["min_scale"]:
        problem = f"expected values reaching at least {ctx['min_scale']:g} in size"
        evidence = [Evidence("input_max_abs", largest, f">= {ctx['min_scale']:g}")]
    else:
        return
    severity, outcome = symptoms.gated(rec)
    yield ctx.finding(
        f"the inputs are not normalized: they range from {low:.4g} to {high:.4g} (mean {mean:.4g}, "
        f"std {std:.4g}); {problem}. {outcome}",
        "Scale the inputs: divide pixels by 255, or standardize each feature with training-set "
        "statistics (x - mean) / std, e.g. keras.layers.Normalization() adapted to x_train.",
        severity=severity,
        evidence=evidence,
    )


@rule(
    "ND602",
    "unshuffled-data",
    Severity.ERROR,
    "Training batches come in label order: most hold a single class.",
    requires={m.BATCH_CLASSES, m.CLASS_FRACTIONS, m.BATCH_SIZE},
    applies=symptoms.is_classifier,
    min_fraction=0.5,
    max_chance=0.01,
)
def unshuffled_data(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a classifier trained on batches that each hold one class.

    **What it checks.** The number of distinct labels in the batch trained at each sampled step
    (the observer's per-sample ``batch_classes``). It fires when at least ``min_fraction`` of
    the sampled batches hold a single class, while a shuffled batch of that size would hold a
    single class with a probability below ``max_chance`` (computed from the class shares).
    Model mode never shows this, because netdoctor shuffles the data itself every epoch; it
    applies to scripts that feed their own batches, and is tested on synthetic recordings.

    **Why it matters.** Data sorted by label (as many datasets are stored) and not shuffled
    gives batches of one class: each step pulls the model towards predicting that class only,
    the next run of batches pulls it to another, and the model ends up predicting whatever
    class came last.

    **Example.** ``model.fit(x, y, shuffle=False)`` on digits stored 0s first, then 1s, ...:
    every batch of 50 holds one digit.

    **Fix.** Shuffle the training data: ``model.fit(..., shuffle=True)`` (the default for
    arrays), ``dataset.shuffle(len(x))`` for a ``tf.data`` pipeline (a buffer smaller than a
    class run leaves it ordered), or permute the arrays once before batching.

    **Options.** ``min_fraction`` (default 0.5): share of sampled batches with one class that
    fires the rule. ``max_chance`` (default 0.01): the rule is skipped when shuffled batches
    would often hold one class anyway (tiny batches, one dominant class).
    """
    counts = np.array([s[m.BATCH_CLASSES] for s in rec.samples if s.get(m.BATCH_CLASSES) is not None])
    fractions = np.asarray(rec.meta.get(m.CLASS_FRACTIONS) or [], dtype=float)
    batch = rec.meta.get(m.BATCH_SIZE)
    if not symptoms.is_classifier(rec) or counts.size == 0 or fractions.size < 2 or not batch:
        return
    chance = float(np.sum(fractions ** int(batch)))
    single = int(np.sum(counts == 1))
    if single < ctx["min_fraction"] * counts.size or chance >= ctx["max_chance"]:
        return
    severity, outcome = symptoms.gated(rec)
    yield ctx.finding(
        f"{single} of {counts.size} sampled training batches ({single / counts.size:.0%}) hold a "
        f"single class: the data comes in label order. A shuffled batch of {batch} from these "
        f"{fractions.size} classes holds one class with probability {chance:.2g}. {outcome}",
        "Shuffle the training data: model.fit(..., shuffle=True) (the default for arrays), "
        "dataset.shuffle(buffer_size=len(x)) for tf.data, or x, y = x[p], y[p] with "
        "p = np.random.permutation(len(x)) before batching.",
        severity=severity,
        evidence=[
            Evidence("single_class_batches", single / counts.size, f"< {ctx['min_fraction']:g}"),
            Evidence("single_class_chance", chance, ""),
        ],
    )


@rule(
    "ND603",
    "non-finite-data",
    Severity.ERROR,
    "The training inputs or labels contain NaN or Inf.",
    requires={m.INPUT_STATS},
)
def non_finite_data(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag NaN or infinite values in the training data.

    **What it checks.** The count of NaN and Inf values among the training inputs and labels,
    taken before training starts. Any count above zero is an error, whatever the run did.

    **Why it matters.** One NaN input makes the output, the loss and every gradient of its
    batch NaN, and one update with a NaN gradient makes the weights NaN for good: the run is
    over at the first batch that holds it (ND303 then reports where the NaN surfaced). When it
    does not stop the run, it is masked by luck of the batching.

    **Example.** Tabular inputs with missing readings stored as NaN: 13 of 12,800 values.

    **Fix.** Find them (``np.isnan(x).any(axis=1)``, ``np.isinf``), then drop those examples or
    impute the values (e.g. the feature mean) before training; check the loading and
    preprocessing code for divisions by zero and logs of zero.
    """
    inputs = (rec.meta.get(m.INPUT_STATS) or {}).get("nonfinite") or 0
    labels = (symptoms.label_facts(rec).get("stats") or {}).get("nonfinite") or 0
    parts, evidence = [], []
    if inputs > 0:
        shape, examples = rec.meta.get(m.INPUT_SHAPE), rec.meta.get(m.TRAIN_EXAMPLES)
        total = f" (of {examples * int(np.prod(shape)):,})" if shape and examples else ""
        parts.append(f"the training inputs hold {int(inputs):,} NaN/Inf values{total}")
        evidence.append(Evidence("nonfinite_inputs", int(inputs), "0"))
    if labels > 0:
        parts.append(f"the training labels hold {int(labels):,} NaN/Inf values")
        evidence.append(Evidence("nonfinite_labels", int(labels), "0"))
    if not parts:
        return
    yield ctx.finding(
        "; ".join(parts) + ". Any batch that holds one gives a NaN loss and NaN gradients, which "
        "then spread into every weight.",
        "Find them with np.isnan(x).any(axis=1) and np.isinf, then drop those examples or impute "
        "the values (e.g. the feature mean) before training; check the loading and preprocessing "
        "for divisions by zero and logs of zero.",
        evidence=evidence,
    )
