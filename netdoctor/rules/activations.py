"""ND3xx: activations. Units that stopped responding, and values that stopped being numbers."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from netdoctor import metrics as m
from netdoctor import readings
from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import LayerInfo, Recording
from netdoctor.rules.registry import RuleContext, rule


@rule(
    "ND301",
    "dead-relu",
    Severity.ERROR,
    "Most ReLU units of a layer output 0 for every input by the end of training.",
    tier="mechanism",
    gated=True,
    explained_by={"ND101", "ND103", "ND206", "ND601", "ND506"},
    requires={m.DEAD_FRACTION},
    central=True,
    applies=readings.has_hidden_layers,
    min_fraction=0.5,
    tail=1 / 3,
)
def dead_relu(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a ReLU layer in which most units are dead at the end of training.

    **What it checks.** For each layer whose output goes through ReLU, the fraction of units
    that output <= 0 for every example of a fixed probe batch. It fires when that fraction is at
    least ``min_fraction`` at the last sample and in most samples of the last ``tail`` of the run
    (so a layer that recovers is not flagged).

    **Why it matters.** A ReLU unit whose input is negative for every example passes no gradient
    back, so nothing ever revives it: it is a permanent zero. With most units dead the layer
    forwards little information and the layers before it stop learning. Units die from a learning
    rate large enough to push their biases far negative, from poor initialization, or from
    zero initialization, where every unit outputs ``relu(0) = 0`` from the start.

    **Example.** ``Dense(16, activation="relu")`` trained with ``SGD(learning_rate=5.0)``: after a
    few hundred steps 14 of 16 units output 0 for every input.

    **Fix.** Lower the learning rate, initialize with ``he_normal``, use ``LeakyReLU`` or ``ELU``,
    or add ``BatchNormalization`` before the activation.

    **Options.** ``min_fraction`` (default 0.5, SageMaker Debugger's ``threshold_layer``): share of
    dead units that makes the layer dead. ``tail`` (default 1/3): the last part of the samples in
    most of which the layer must be dead.
    """
    steps = rec.sample_steps
    threshold = ctx["min_fraction"]
    for layer in rec.layers:
        dead = rec.layer_series(layer.name, m.DEAD_FRACTION)
        known = np.flatnonzero(np.isfinite(dead))
        if known.size == 0:
            continue
        is_dead = dead[known] >= threshold
        tail = is_dead[-max(1, math.ceil(known.size * ctx["tail"])):]
        if not is_dead[-1] or 2 * tail.sum() <= tail.size:
            continue
        alive = np.flatnonzero(~is_dead)
        from_start = alive.size == 0
        onset = known[0] if from_start else known[alive[-1] + 1]  # dead from this sample on
        since, last_step = int(steps[onset]), int(steps[known[-1]])
        last = float(dead[known[-1]])
        count = f"{round(last * layer.units)} of {layer.units} units" if layer.units else "units"
        first_aid = (
            "Initialize with kernel_initializer='he_normal' (units dead from the start point to "
            "zero or badly scaled initialization, or to unnormalized inputs), "
            if from_start
            else "Lower the learning rate (units that die during training were usually pushed "
            "there by too large updates), "
        )
        yield ctx.finding(
            f"{count} ({last:.0%}) of layer `{layer.name}` are dead: they output <= 0 for every "
            f"example of the probe batch at step {last_step}, and at least {threshold:.0%} of the "
            f"layer has been dead since step {since}{' (the first sample)' if from_start else ''}; "
            f"expected < {threshold:.0%}.",
            first_aid + "replace ReLU with LeakyReLU (keras.layers.LeakyReLU(negative_slope=0.1)) "
            "or ELU, or add BatchNormalization() before the activation.",
            layer=layer.name,
            step=last_step,
            source=layer.source,
            evidence=[
                Evidence(m.DEAD_FRACTION, float(dead[onset]), f"< {threshold:.3g}", layer.name, since),
                Evidence(m.DEAD_FRACTION, last, f"< {threshold:.3g}", layer.name, last_step),
                Evidence("dead_samples_in_tail", f"{tail.sum()} of {tail.size}", "at most half", layer.name),
            ],
        )


@rule(
    "ND302",
    "saturated-activations",
    Severity.ERROR,
    "Most sigmoid/tanh units of a hidden layer sit in their flat regions.",
    tier="mechanism",
    gated=True,
    explained_by={"ND103", "ND601", "ND206"},
    requires={m.SATURATED_FRACTION},
    applies=readings.has_hidden_layers,
    min_fraction=0.5,
    tail=1 / 3,
)
def saturated_activations(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a hidden sigmoid or tanh layer in which most units are stuck in a flat tail, and a
    softmax used as a hidden activation.

    **What it checks.** For each hidden layer whose output goes through sigmoid or tanh, the
    fraction of units whose input is beyond +-5 (the flat region) for most examples of a fixed
    probe batch. It fires when that fraction is at least ``min_fraction`` at the last sample and
    in most samples of the last ``tail`` of the run. Output layers are skipped: a confident
    sigmoid output is the goal, not a problem. A hidden layer with a softmax activation is
    flagged from the model's configuration: its outputs share a sum of 1, and its slope is
    about 1/units.

    **Why it matters.** Beyond +-5 the slope of tanh is below 0.0002 and that of sigmoid below
    0.007, so a saturated unit passes almost no gradient back: it stops learning, and so do the
    layers before it. Units start out saturated when weights or inputs are too large (the input
    to a unit grows with ``std(W) * sqrt(fan_in) * scale of the inputs``), and get pushed there
    by a learning rate that is too high.

    **Example.** ``Dense(64, activation="tanh", kernel_initializer=RandomNormal(stddev=1.0))``
    on 784 pixels: 62% of the units are saturated from the first step on.

    **Fix.** Initialize with ``glorot_uniform`` (the Keras default), normalize the inputs, lower
    the learning rate, put ``BatchNormalization`` before the activation, or use ReLU.

    **Options.** ``min_fraction`` (default 0.5, SageMaker Debugger's ``threshold_layer``): share
    of saturated units that makes the layer saturated. ``tail`` (default 1/3): the last part of
    the samples in most of which the layer must be saturated.
    """
    hidden_softmax = [layer for layer in rec.layers if layer.activation == "softmax" and layer.feeds_trainable]
    if hidden_softmax:
        layer = hidden_softmax[0]
        width = f" of {layer.units}" if layer.units else ""
        yield ctx.finding(
            f"{_listed(hidden_softmax)} {'applies' if len(hidden_softmax) == 1 else 'apply'} softmax "
            f"as a hidden activation: the outputs{width} sum to 1, so each is about 1/{layer.units or 'units'}, "
            "and the softmax's slope is as small: the signal forward and the gradient backward "
            "shrink through every such layer, and the layers before it barely learn.",
            "Use 'relu' (or 'tanh') in the hidden layers; keep softmax for the output layer of a "
            "classifier.",
            layer=layer.name,
            source=layer.source,
            evidence=[Evidence("hidden_activation", "softmax", "relu, tanh, ...", other.name) for other in hidden_softmax],
        )
    steps = rec.sample_steps
    threshold = ctx["min_fraction"]
    for layer in rec.layers:
        saturated = rec.layer_series(layer.name, m.SATURATED_FRACTION)
        known = np.flatnonzero(np.isfinite(saturated))
        if known.size == 0 or not layer.feeds_trainable:
            continue
        is_saturated = saturated[known] >= threshold
        tail = is_saturated[-max(1, math.ceil(known.size * ctx["tail"])):]
        if not is_saturated[-1] or 2 * tail.sum() <= tail.size:
            continue
        free = np.flatnonzero(~is_saturated)
        from_start = free.size == 0
        onset = known[0] if from_start else known[free[-1] + 1]
        since, last_step = int(steps[onset]), int(steps[known[-1]])
        last = float(saturated[known[-1]])
        count = f"{round(last * layer.units)} of {layer.units} units" if layer.units else "units"
        first_aid = (
            "Initialize with glorot_uniform (the Keras default) and normalize the inputs (units "
            "saturated from the start point to weights or inputs that are too large), "
            if from_start
            else "Lower the learning rate (units that saturate during training were pushed "
            "there by too large updates), "
        )
        yield ctx.finding(
            f"{count} ({last:.0%}) of layer `{layer.name}` ({layer.activation}) are saturated: their "
            f"input is beyond +-5, in the flat tails where almost no gradient passes, for most "
            f"examples of the probe batch at step {last_step}, and at least {threshold:.0%} of "
            f"the layer has been since step {since}{' (the first sample)' if from_start else ''}; "
            f"expected < {threshold:.0%}.",
            first_aid + "put BatchNormalization() before the activation, or use 'relu'.",
            layer=layer.name,
            step=last_step,
            source=layer.source,
            evidence=[
                Evidence(m.SATURATED_FRACTION, float(saturated[onset]), f"< {threshold:.3g}", layer.name, since),
                Evidence(m.SATURATED_FRACTION, last, f"< {threshold:.3g}", layer.name, last_step),
            ],
        )


def _listed(layers: list[LayerInfo]) -> str:
    names = ", ".join(f"`{layer.name}`" for layer in layers)
    return f"layer{'s' if len(layers) > 1 else ''} {names}"


#: Where a non-finite value can show up within one step, in the order a step computes them.
PIPELINE = ("activations", m.LOSS, "gradients", "weights")


@dataclass(frozen=True)
class Appearance:
    """One place and step at which a NaN or Inf was seen."""

    step: int
    where: str  # one of PIPELINE
    layer: str | None = None
    variable: str | None = None

    @property
    def order(self) -> tuple[int, int, bool]:
        """Earliest step, then earliest in the step, then the most specific (a named variable)."""
        stage = PIPELINE.index(self.where) if self.where in PIPELINE else len(PIPELINE)
        return self.step, stage, self.variable is None

    def describe(self) -> str:
        place = f"the {self.where}"
        if self.variable:
            place += f" of `{self.variable}`"
        elif self.layer:
            place += f" of layer `{self.layer}`"
        return f"{place} at step {self.step}"


def _appearances(rec: Recording) -> list[Appearance]:
    """Every recorded sighting of a non-finite value, earliest first."""
    seen = [
        Appearance(int(e[m.STEP]), e.get("where", "values"), e.get("layer"), e.get("variable"))
        for e in rec.events_of(m.NON_FINITE)
    ]
    bad_loss = np.flatnonzero(~np.isfinite(rec.train_loss))
    if bad_loss.size:
        seen.append(Appearance(int(bad_loss[0]), m.LOSS))
    flags = {m.NONFINITE_ACTIVATION: "activations", m.NONFINITE_KERNEL: "weights"}
    variable_flags = {m.NONFINITE_GRAD: "gradients", m.NONFINITE_VALUE: "weights"}
    layer_of = {v["name"]: v.get("layer") for v in rec.variables}
    for sample in rec.samples:
        step = int(sample[m.STEP])
        for layer, metrics in sample.get(m.SAMPLE_LAYERS, {}).items():
            seen += [
                Appearance(step, where, layer) for flag, where in flags.items() if _raised(metrics, flag)
            ]
        for variable, metrics in sample.get(m.SAMPLE_VARIABLES, {}).items():
            seen += [
                Appearance(step, where, layer_of.get(variable), variable)
                for flag, where in variable_flags.items()
                if _raised(metrics, flag)
            ]
    return sorted(seen, key=lambda a: a.order)


def _raised(metrics: dict, flag: str) -> bool:
    value = metrics.get(flag)
    return value is not None and float(value) != 0


@rule(
    "ND303",
    "non-finite-values",
    Severity.ERROR,
    "NaN or Inf appeared in the loss, weights, gradients or activations.",
    tier="mechanism",
    explained_by={"ND206", "ND210", "ND601", "ND603", "ND202", "ND103", "ND503"},
    requires={m.LOSS},
    central=True,
)
def non_finite_values(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Report where and when NaN or Inf first appeared during training.

    **What it checks.** The training loss at every step, the observer's ``non_finite`` events,
    and the per-sample flags for non-finite kernels, activations, gradients and variable values.
    One finding names the earliest appearance (step, and layer or variable), then where the
    values spread next.

    **Why it matters.** Once one weight is NaN every output that depends on it is NaN, and so
    is every later gradient: the run is over. The first appearance points at the cause: an
    overflow in the activations or a loss that exploded (learning rate too high, unnormalized
    inputs), a ``log(0)`` or division by zero in the loss, or a bad input value.

    **Example.** ``SGD(learning_rate=100.0)``: the loss reaches 1e+30 and is NaN at step 12.

    **Fix.** Lower the learning rate, clip gradients (``clipnorm=1.0``), normalize the inputs,
    and compute cross-entropy from logits (``from_logits=True``) rather than ``log(softmax)``;
    check the data for NaN.
    """
    appearances = _appearances(rec)
    if not appearances:
        return
    first = appearances[0]
    message = f"NaN/Inf first appeared in {first.describe()}"
    loss = rec.train_loss
    if first.where == m.LOSS and first.step < loss.size and not np.isfinite(loss[first.step]):
        before = np.flatnonzero(np.isfinite(loss[: first.step]))
        message += f": the loss was {loss[first.step]}"
        if before.size:
            message += f", after {loss[before[-1]]:.4g} at step {before[-1]}"
    later = {}
    for appearance in appearances[1:]:
        if appearance.where != first.where:
            later.setdefault(appearance.where, appearance)
    if later:
        message += "; then in " + ", ".join(a.describe() for a in later.values())
    yield ctx.finding(
        message + ". From there on every result that depends on it is NaN: training is over.",
        "Lower the learning rate (try 10x smaller), clip gradients in the optimizer "
        "(keras.optimizers.Adam(clipnorm=1.0)), normalize the inputs, use from_logits=True "
        "losses instead of taking the log of a softmax yourself, and check the data for NaN.",
        layer=first.layer,
        step=first.step,
        evidence=[
            Evidence(f"non-finite {a.where}", "NaN/Inf", "finite", a.layer, a.step)
            for a in [first, *later.values()]
        ],
    )
