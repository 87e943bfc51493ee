"""ND1xx: initialization. Problems that exist before the first step and doom the run."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from netdoctor import metrics as m
from netdoctor import readings
from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import LayerInfo, Recording
from netdoctor.rules.registry import RuleContext, rule

INIT_FIX = (
    "Initialize kernels randomly: kernel_initializer='he_normal' for ReLU layers, "
    "'glorot_uniform' (the Keras default) otherwise; biases may stay zero."
)


def init_fix(rec: Recording, layer: LayerInfo | None = None) -> str:
    """The initialization fix in the program's own API: Keras initializers, or TF1 variables."""
    if rec.meta.get(m.API) != "tf1":
        return INIT_FIX
    shape = list(layer.kernel_shape) if layer and layer.kernel_shape else ["fan_in", "units"]
    scale = f"{(2 / layer.fan_in) ** 0.5:.3g}" if layer and layer.fan_in else "(2 / fan_in) ** 0.5"
    return (
        f"Initialize the weights randomly instead of with tf.zeros, e.g. "
        f"tf.Variable(tf.truncated_normal({shape}, stddev={scale})) (He scale, for ReLU); "
        "biases may stay zero."
    )


@rule(
    "ND101",
    "constant-weights",
    Severity.ERROR,
    "Every weight of a hidden layer's kernel holds the same value.",
    tier="defect",
    requires={m.KERNEL_MIN, m.KERNEL_MAX},
    central=True,
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
    constant = set(readings.constant_init_layers(rec))
    for layer in rec.kernel_layers:
        if layer.name not in constant:
            continue
        low = rec.layer_series(layer.name, m.KERNEL_MIN)
        value = float(low[0])
        count = int(np.prod(layer.kernel_shape))
        step = int(rec.samples[0][m.STEP])
        cause = "zero initialization" if value == 0 else f"constant initialization (value {value:g})"
        yield ctx.finding(
            f"all weights identical: {cause}. Layer `{layer.name}` kernel: all {count:,} weights "
            f"are {value:g} at step {step}.",
            init_fix(rec, layer),
            layer=layer.name,
            step=step,
            source=layer.source,
            evidence=[Evidence(m.KERNEL_STD, 0.0, f"> 0 (every weight is {value:g})", layer.name, step)],
        )


@rule(
    "ND102",
    "symmetric-neurons",
    Severity.ERROR,
    "Units of a layer have identical incoming weights and stay identical during training.",
    tier="defect",
    explained_by={"ND101"},
    requires={m.SYMMETRIC_FRACTION},
    central=True,
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
        symmetric = rec.layer_series(layer.name, m.SYMMETRIC_FRACTION)
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
            init_fix(rec, layer),
            layer=layer.name,
            step=int(steps[-1]),
            source=layer.source,
            evidence=[
                Evidence(m.SYMMETRIC_FRACTION, first, f"< {ctx['min_fraction']}", layer.name, int(steps[0])),
                Evidence(m.SYMMETRIC_FRACTION, last, f"< {ctx['min_fraction']}", layer.name, int(steps[-1])),
            ],
        )


#: Layers after which the scale of the kernel before them does not reach the next layer.
NORMALIZATIONS = {"BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization"}


class OffScale(NamedTuple):
    """A kernel whose initial std is ``factor`` times outside the Glorot/He range [low, high]."""

    factor: float
    layer: LayerInfo
    std: float
    low: float
    high: float
    direction: str  # "larger" | "smaller"


def _init_scale(fan_in: int, fan_out: int) -> tuple[float, float]:
    """The stds the usual initializers give a kernel: from the smaller of Glorot
    (sqrt(2 / (fan_in + fan_out))) and LeCun (sqrt(1 / fan_in)) to He (sqrt(2 / fan_in))."""
    return min(math.sqrt(2.0 / (fan_in + fan_out)), math.sqrt(1.0 / fan_in)), math.sqrt(2.0 / fan_in)


def _normalized(rec: Recording, layer: LayerInfo) -> bool:
    return any(other.kind in NORMALIZATIONS and layer.name in other.inbound for other in rec.layers)


@rule(
    "ND103",
    "weight-scale",
    Severity.ERROR,
    "A kernel starts with a standard deviation far from the Glorot/He scale for its fan-in and fan-out.",
    tier="cause",
    gated=True,
    requires={m.KERNEL_STD},
    max_factor=10.0,
)
def weight_scale(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag kernels initialized far larger or far smaller than the usual initializers would.

    **What it checks.** The standard deviation of each trainable kernel at the first sample
    against the range the usual initializers give for its fan-in and fan-out: from
    min(Glorot, LeCun) = min(sqrt(2 / (fan_in + fan_out)), sqrt(1 / fan_in)) to He =
    sqrt(2 / fan_in) (a convolution's fans include its receptive field). It fires when the std is
    more than ``max_factor`` times above the range, or (for hidden layers) more than
    ``max_factor`` times below it. Constant kernels are left to ND101, embeddings and layers
    followed by a normalization layer are skipped, and a small output layer is fine (like a zero
    one, see ND101).

    **Why it matters.** Each layer multiplies the scale of its input by about
    ``std * sqrt(fan_in)``. Far above 1 the activations grow layer after layer (tanh and sigmoid
    saturate, softmax becomes certain, the loss starts huge); far below 1 they shrink towards 0,
    and so do the gradients of every layer before: the network starts out unable to learn.

    **Example.** ``Conv2D(8, 3, kernel_initializer=RandomNormal(stddev=0.001))``: std 0.001 for a
    fan-in of 9, where He initialization gives 0.47.

    **Fix.** Drop hand-picked scales: ``kernel_initializer="he_normal"`` for ReLU layers,
    ``"glorot_uniform"`` (the Keras default) otherwise.

    **Options.** ``max_factor`` (default 10): how many times above or below the Glorot/He range
    the std may be.
    """
    if not rec.samples:
        return
    step = int(rec.samples[0][m.STEP])
    limit = ctx["max_factor"]
    off: list[OffScale] = []
    for layer in rec.kernel_layers:
        if not (layer.trainable and layer.fan_in and layer.fan_out) or layer.kind == "Embedding":
            continue
        std = float(rec.layer_series(layer.name, m.KERNEL_STD)[0])
        constant = rec.layer_series(layer.name, m.KERNEL_MIN)[0] == rec.layer_series(layer.name, m.KERNEL_MAX)[0]
        if not math.isfinite(std) or constant or _normalized(rec, layer):
            continue
        low, high = _init_scale(layer.fan_in, layer.fan_out)
        if std > limit * high:
            off.append(OffScale(std / high, layer, std, low, high, "larger"))
        elif std * limit < low and layer.feeds_trainable:
            off.append(OffScale(low / std, layer, std, low, high, "smaller"))
    if not off:
        return

    off.sort(key=lambda o: -o.factor)
    worst = off[0]
    message = (
        f"layer `{worst.layer.name}` kernel starts with std {worst.std:.2g}, {worst.factor:.0f}x "
        f"{worst.direction} than the {worst.low:.2g}-{worst.high:.2g} that Glorot/He initialization "
        f"gives for fan-in {worst.layer.fan_in:,} and fan-out {worst.layer.fan_out:,}; expected "
        f"within {limit:g}x of that range."
    )
    if len(off) > 1:
        others = ", ".join(f"`{o.layer.name}` (std {o.std:.2g}, {o.factor:.0f}x {o.direction})" for o in off[1:])
        message += f" Also off: {others}."
    yield ctx.finding(
        message,
        "Drop the hand-picked scale: kernel_initializer='he_normal' for ReLU layers, "
        "'glorot_uniform' (the Keras default) otherwise.",
        layer=worst.layer.name,
        step=step,
        source=worst.layer.source,
        evidence=[
            Evidence(m.KERNEL_STD, o.std, f"{o.low / limit:.2g} to {o.high * limit:.2g}", o.layer.name, step)
            for o in off
        ],
    )


#: Cross-entropy losses whose value for uniform predictions is known: ln C, or ln 2 per output.
UNIFORM_LOSS = {
    "sparse_categorical_crossentropy": "multiclass",
    "categorical_crossentropy": "multiclass",
    "binary_crossentropy": "binary",
}


@rule(
    "ND104",
    "initial-loss",
    Severity.ERROR,
    "A fresh classifier's first loss is far above ln C, the loss of uniform guessing.",
    tier="mechanism",
    gated=True,
    explained_by={"ND101", "ND103", "ND601", "ND502", "ND503", "ND507", "ND506"},
    requires={m.LOSS, m.LOSS_NAME, m.TASK},
    applies=readings.is_classifier,
    max_ratio=3.0,
)
def initial_loss(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a classifier whose loss at the first step is far above that of uniform guessing.

    **What it checks.** For a cross-entropy classifier, the training loss of the first step
    (before any update) against ln C, the cross-entropy of predicting 1/C for each of C classes
    (ln 2 for binary cross-entropy). It fires when the first loss is more than ``max_ratio``
    times that. A first loss far *below* ln C is not flagged: a pretrained model starts there.
    Regression and other losses are skipped, and so are losses weighted by ``class_weight`` or
    ``sample_weight``, whose scale is not that of ln C.

    **Why it matters.** A freshly initialized classifier knows nothing, so it should predict
    about 1/C for every class and start at ln C (2.30 for 10 classes). A much higher first loss
    means the first predictions are confidently wrong: the logits are huge, from a badly scaled
    output layer or unnormalized inputs. The first steps are then spent undoing that
    (large, erratic updates, saturated units) instead of learning.

    **Example.** ``Dense(10, kernel_initializer=RandomNormal(stddev=5.0))`` before a softmax:
    the first loss is 17.4 where ln 10 = 2.30.

    **Fix.** Use the default (Glorot) initializer for the output layer, normalize the inputs,
    and check that the output activation matches the loss (ND501-ND503).

    **Options.** ``max_ratio`` (default 3): how many times ln C the first loss may be.
    """
    kind = UNIFORM_LOSS.get(rec.meta.get(m.LOSS_NAME))
    classes = 2 if kind == "binary" else readings.num_classes(rec)
    if kind is None or kind != rec.meta.get(m.TASK) or not classes or classes < 2 or not rec.train_loss.size:
        return
    if rec.meta.get(m.WEIGHTED_LOSS):
        return  # a loss weighted per class or example is not on the scale of ln C
    first = float(rec.train_loss[0])
    expected = math.log(classes)
    if not math.isfinite(first) or first <= ctx["max_ratio"] * expected:
        return
    yield ctx.finding(
        f"the first training loss is {first:.4g}, {first / expected:.1f}x the {expected:.3f} "
        f"(ln {classes}) of a {classes}-class classifier that guesses uniformly, as a freshly "
        f"initialized one should; expected below {ctx['max_ratio'] * expected:.3g} "
        f"({ctx['max_ratio']:g}x). The first predictions are confidently wrong.",
        "Use the default initializer (glorot_uniform) for the output layer, normalize the "
        "inputs (e.g. pixels / 255), and make sure the output activation matches the loss.",
        step=0,
        evidence=[Evidence("initial_loss", first, f"<= {ctx['max_ratio'] * expected:.3g}", step=0)],
    )
