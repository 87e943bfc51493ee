"""ND1xx: initialization. Problems that exist before the first step and doom the run."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import Recording
from netdoctor.rules import symptoms
from netdoctor.rules.registry import RuleContext, rule

INIT_FIX = (
    "Initialize kernels randomly: kernel_initializer='he_normal' for ReLU layers, "
    "'glorot_uniform' (the Keras default) otherwise; biases may stay zero."
)


@rule(
    "ND101",
    "constant-weights",
    Severity.ERROR,
    "Every weight of a hidden layer's kernel holds the same value.",
)
def constant_weights(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a hidden layer whose kernel starts with one value repeated everywhere.

    **What it checks.** At the first recorded step, the kernel's smallest and largest weight
    are equal (zero initialization, or a constant like ``Constant(0.5)``). Only layers whose
    output feeds a further trainable layer are checked.

    **Why it matters.** Units with identical incoming weights compute identical outputs and get
    identical gradients, so they stay identical forever: the layer learns one feature however
    wide it is. With ReLU and zero weights it is worse: every unit outputs 0, the ReLU passes no
    gradient, and the layer never changes at all. A zero output layer (or a single softmax layer,
    as in logistic regression) is fine, so those are not flagged.

    **Example.** ``Dense(16, activation="relu", kernel_initializer="zeros")``

    **Fix.** Use a random initializer: ``he_normal`` for ReLU, ``glorot_uniform`` otherwise.
    """
    constant = set(symptoms.constant_init_layers(rec))
    for layer in rec.kernel_layers:
        if layer.name not in constant:
            continue
        low = rec.layer_series(layer.name, "kernel_min")
        high = rec.layer_series(layer.name, "kernel_max")
        value = float(low[0])
        count = int(np.prod(layer.kernel_shape))
        step = int(rec.samples[0]["step"])
        cause = "zero initialization" if value == 0 else f"constant initialization (value {value:g})"
        yield ctx.finding(
            f"all weights identical: {cause}. Layer `{layer.name}` kernel: all {count:,} weights "
            f"are {value:g} at step {step}.",
            INIT_FIX,
            layer=layer.name,
            step=step,
            source=layer.source,
            evidence=[
                Evidence("kernel_min", value, "spread > 0", layer.name, step),
                Evidence("kernel_max", float(high[0]), "spread > 0", layer.name, step),
            ],
        )


@rule(
    "ND102",
    "symmetric-neurons",
    Severity.ERROR,
    "Units of a layer have identical incoming weights and stay identical during training.",
    min_fraction=0.5,
)
def symmetric_neurons(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a hidden layer in which many units are copies of each other for the whole run.

    **What it checks.** The fraction of a layer's units whose incoming weights (kernel column,
    bias aside) duplicate another unit's, at the first and at the last recorded step. It fires
    when that fraction is at least ``min_fraction`` at both.

    **Why it matters.** Two units with the same incoming weights receive the same gradient at
    every step, so nothing can ever make them differ: the layer has effectively one unit per
    group of copies. This is the symmetry that random initialization exists to break.

    **Example.** A 16-unit hidden layer initialized with zeros or ``Constant(0.1)``: 16 of 16
    units are identical at step 0 and still identical at the end.

    **Fix.** Initialize randomly (``he_normal`` for ReLU, ``glorot_uniform`` otherwise).

    **Options.** ``min_fraction`` (default 0.5): share of symmetric units that fires the rule.
    """
    for layer in rec.kernel_layers:
        if not (layer.feeds_trainable and layer.trainable):
            continue
        symmetric = rec.layer_series(layer.name, "symmetric_fraction")
        known = np.isfinite(symmetric)
        if not known.any():
            continue
        steps = rec.sample_steps[known]
        first, last = float(symmetric[known][0]), float(symmetric[known][-1])
        if first < ctx["min_fraction"] or last < ctx["min_fraction"]:
            continue
        units = layer.units or 0
        yield ctx.finding(
            f"{round(first * units)} of {units} units ({first:.0%}) of layer `{layer.name}` have "
            f"identical incoming weights at step {steps[0]}, and {last:.0%} still do at step "
            f"{steps[-1]}: they compute the same feature and can never learn different ones.",
            INIT_FIX,
            layer=layer.name,
            step=int(steps[-1]),
            source=layer.source,
            evidence=[
                Evidence("symmetric_fraction", first, f"< {ctx['min_fraction']}", layer.name, int(steps[0])),
                Evidence("symmetric_fraction", last, f"< {ctx['min_fraction']}", layer.name, int(steps[-1])),
            ],
        )
