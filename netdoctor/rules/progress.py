"""ND4xx: progress. The outcome itself: a loss that does not fall, an accuracy stuck at chance."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from netdoctor import metrics as m
from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import Recording
from netdoctor.rules import symptoms
from netdoctor.rules.registry import RuleContext, rule

DIAGNOSE_FIX = (
    "The other findings name the likely cause. Otherwise check, in this order: the learning "
    "rate (Adam's default 1e-3 is a safe start), random kernel initialization, labels that match "
    "the loss (sparse_categorical_crossentropy for integer labels, categorical_crossentropy for "
    "one-hot), an output layer that matches the task (softmax with one unit per class, sigmoid "
    "for binary), and inputs scaled to about [0, 1]."
)


@rule(
    "ND401",
    "loss-not-decreasing",
    Severity.ERROR,
    "The training loss did not fall over the run.",
    requires={m.LOSS},
    central=True,
    min_relative_decrease=symptoms.MIN_RELATIVE_DECREASE,
)
def loss_not_decreasing(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a run whose training loss ends about where it started.

    **What it checks.** The mean training loss over the first steps (up to 10) against the mean
    over the last tenth of the run. It fires when the loss fell by less than
    ``min_relative_decrease`` of its starting value, or rose. A loss that became NaN or Inf is
    left to ND303 (non-finite-values).

    **Why it matters.** Falling training loss is the most basic sign that a model learns. Any
    model with enough capacity can lower its training loss; when it stays flat, the gradients do
    not reach the weights or do not point anywhere useful, and no amount of training will help.

    **Example.** A zero-initialized ReLU MLP on MNIST: the loss sits at 2.30 (= ln 10, uniform
    guessing over 10 classes) for the whole run.

    **Fix.** Look at the other findings for the cause (initialization, gradients, dead units);
    otherwise check the learning rate, the labels against the loss, and the output activation.

    **Options.** ``min_relative_decrease`` (default 0.1): the smallest acceptable fall of the
    loss, as a fraction of its starting value.
    """
    if symptoms.loss_non_finite(rec):
        return
    decrease = symptoms.relative_decrease(rec)
    if not math.isfinite(decrease) or decrease >= ctx["min_relative_decrease"]:
        return
    start, end = symptoms.loss_start_end(rec)
    if round(decrease, 3) < 0:  # as displayed, so a flat loss never reads "rose by 0.0%"
        change = f"rose by {-decrease:.1%}"
    else:
        change = f"fell by only {max(decrease, 0.0):.1%}"
    yield ctx.finding(
        f"the training loss {change} over {rec.steps:,} steps: {start:.4g} at the start, "
        f"{end:.4g} at the end; expected it to fall by at least {ctx['min_relative_decrease']:.0%}.",
        DIAGNOSE_FIX,
        step=rec.steps - 1 if rec.steps else None,
        evidence=[
            Evidence("loss_start", start, ""),
            Evidence("loss_end", end, f"<= {start * (1 - ctx['min_relative_decrease']):.4g}"),
            Evidence("relative_decrease", decrease, f">= {ctx['min_relative_decrease']:.3g}"),
        ],
    )


@rule(
    "ND402",
    "chance-accuracy",
    Severity.ERROR,
    "A classifier's accuracy is no better than always guessing the most frequent class.",
    requires={m.ACCURACY, m.TASK},
    central=True,
    applies=symptoms.is_classifier,
    margin=0.1,
)
def chance_accuracy(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a classifier that ends no better than guessing.

    **What it checks.** The test accuracy (the last evaluation), or the mean training accuracy
    over the last tenth of the run when there was no evaluation, against the chance level: the
    share of the most frequent class (1/C for C balanced classes). It fires when the accuracy
    is below ``chance + margin * (1 - chance)``. Regression runs are skipped.

    **Why it matters.** A classifier at chance has learned nothing about its inputs: it predicts
    one class, or noise. Accuracy is what the model is for, so this is the symptom that makes
    the statistics of the other rules errors rather than curiosities.

    **Example.** A zero-initialized MNIST MLP ends at 0.113 test accuracy: always "1", the most
    frequent digit.

    **Fix.** Look at the other findings for the cause; otherwise check that the labels match
    the loss and the output layer, and that the inputs are scaled and shuffled.

    **Options.** ``margin`` (default 0.1): how far towards perfect accuracy, as a share of the
    way from chance to 1, the accuracy must get to count as learning.
    """
    if not symptoms.is_classifier(rec):
        return
    chance = symptoms.chance_accuracy(rec)
    evaluated = rec.test_accuracy is not None
    accuracy = rec.test_accuracy if evaluated else symptoms.final_train_accuracy(rec)
    if not symptoms.at_chance(accuracy, chance, ctx["margin"]):
        return
    bar = chance + ctx["margin"] * (1 - chance)
    fractions = rec.meta.get(m.CLASS_FRACTIONS)
    classes = symptoms.num_classes(rec) or len(fractions)
    if fractions:
        level = f"always predicting the most frequent class scores {chance:.3f}"
    else:
        level = f"chance is 1/{classes} = {chance:.3f}"
    which = "test accuracy" if evaluated else "final training accuracy"
    if evaluated:
        step = next(e[m.STEP] for e in reversed(rec.evals) if e.get(m.ACCURACY) is not None)
    else:
        step = rec.steps - 1
    yield ctx.finding(
        f"{which} {accuracy:.3f} is at chance level for {classes} classes: {level}; expected "
        f"above {bar:.3f}.",
        DIAGNOSE_FIX,
        step=step,
        evidence=[
            Evidence(which.replace(" ", "_"), accuracy, f"> {bar:.3f}", step=step),
            Evidence("chance_accuracy", chance, ""),
        ],
    )


@rule(
    "ND403",
    "diverging-loss",
    Severity.ERROR,
    "The training loss rises, or swings ever wider, as training goes on.",
    requires={m.LOSS},
    windows=10,
    min_rise=0.5,
    min_growth=10.0,
    min_share=0.1,
)
def diverging_loss(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a training loss that climbs back up or oscillates with growing amplitude.

    **What it checks.** The training loss up to its first non-finite value, cut into ``windows``
    equal windows. Per window, the level is the median loss and the swing is the spread of its
    middle 80% (10th to 90th percentile). It fires when the last window's level is more than
    ``1 + min_rise`` times the lowest level, or when the last swing is more than ``min_growth``
    times the first; in both cases the change must also exceed ``min_share`` of the starting
    level, so small wiggles of an almost-zero loss do not count.

    **Why it matters.** Gradient descent on a reasonable learning rate lowers the loss; when the
    steps overshoot, each one lands higher up the other side of the valley, and the loss
    oscillates with growing amplitude or climbs until it overflows. A loss that rises again
    after falling means the same thing later in training. Either way the learning rate (or the
    scale of inputs and targets, which multiplies the gradient) is too large.

    **Example.** Linear regression with ``SGD(learning_rate=0.9)``: the loss climbs from 6.6 to
    about 1e7 in 300 steps.

    **Fix.** Lower the learning rate 3-10x or let a schedule decay it, clip gradients
    (``clipnorm=1.0``), and normalize inputs and regression targets.

    **Options.** ``windows`` (default 10): how many windows the run is cut into.
    ``min_rise`` (default 0.5): how far above its lowest level the last level may be, as a share
    of it. ``min_growth`` (default 10): how many times the first swing the last one may be.
    ``min_share`` (default 0.1): the smallest change that counts, as a share of the start level.
    """
    loss = rec.train_loss
    bad = np.flatnonzero(~np.isfinite(loss))
    finite = loss[: bad[0]] if bad.size else loss
    windows = ctx["windows"]
    if finite.size < 5 * windows:
        return
    chunks = np.array_split(finite, windows)
    bounds = np.cumsum([0] + [chunk.size for chunk in chunks])
    level = np.array([np.median(chunk) for chunk in chunks])
    swing = np.array([np.percentile(chunk, 90) - np.percentile(chunk, 10) for chunk in chunks])
    floor = ctx["min_share"] * abs(level[0])
    lowest = int(np.argmin(level))

    def span(i: int) -> str:
        return f"steps {bounds[i]}-{bounds[i + 1] - 1}"

    clauses, evidence = [], []
    rise = level[-1] - level[lowest]
    if rise > floor and level[-1] > (1 + ctx["min_rise"]) * level[lowest]:
        factor = float(level[-1] / level[lowest]) if level[lowest] > 0 else math.inf
        clauses.append(
            f"it rose from a median of {level[lowest]:.4g} over {span(lowest)} to {level[-1]:.4g} over "
            f"{span(windows - 1)} (x{factor:.3g}; expected at most "
            f"x{1 + ctx['min_rise']:g} of its lowest)"
        )
        evidence.append(Evidence("loss_level_rise", factor, f"<= {1 + ctx['min_rise']:g}"))
    if swing[-1] > floor and swing[-1] > ctx["min_growth"] * swing[0]:
        growth = float(swing[-1] / swing[0]) if swing[0] > 0 else math.inf
        clauses.append(
            f"its swings grew from {swing[0]:.3g} over {span(0)} to {swing[-1]:.3g} over "
            f"{span(windows - 1)} (10th to 90th percentile; x{growth:.3g}, expected at most "
            f"x{ctx['min_growth']:g})"
        )
        evidence.append(Evidence("loss_swing_growth", growth, f"<= {ctx['min_growth']:g}"))
    if not clauses:
        return
    message = "the training loss diverges: " + "; and ".join(clauses) + "."
    if bad.size:
        message += f" It became non-finite at step {bad[0]} (see ND303)."
    severity, outcome = symptoms.gated(rec)
    yield ctx.finding(
        f"{message} {outcome}",
        "Lower the learning rate 3-10x or let a schedule decay it, clip gradients "
        "(keras.optimizers.SGD(learning_rate=..., clipnorm=1.0)), and normalize the inputs and "
        "regression targets.",
        severity=severity,
        step=int(bounds[-1] - 1),
        evidence=evidence,
    )
