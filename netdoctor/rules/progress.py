"""ND4xx: progress. The outcome itself: a loss that does not fall, an accuracy stuck at chance."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from netdoctor import metrics as m
from netdoctor import readings
from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import Recording
from netdoctor.rules.registry import RuleContext, rule

CLASSIFIER_CHECKS = (
    "the learning rate (Adam's default 1e-3 is a safe start), random kernel initialization, labels "
    "that match the loss (sparse_categorical_crossentropy for integer labels, "
    "categorical_crossentropy for one-hot) and match the inputs (shuffled together), an output "
    "layer that matches the task (one unit per class with softmax, or sigmoid for binary), and "
    "inputs scaled to about [0, 1]"
)
REGRESSION_CHECKS = (
    "the learning rate (Adam's default 1e-3 is a safe start), random kernel initialization, a "
    "linear output layer (no activation), targets standardized to mean 0 and std 1, and inputs "
    "standardized with training-set statistics"
)


def fallback_fix(rec: Recording) -> str:
    """What to check when no finding names a cause, for the run's task."""
    checks = REGRESSION_CHECKS if rec.meta.get(m.TASK) == "regression" else CLASSIFIER_CHECKS
    return f"Any cause found is reported above. Otherwise check, in this order: {checks}."


def _outcome_evidence(outcome: readings.Outcome) -> list[Evidence]:
    name = f"{outcome.on.replace('-', '_')}_{outcome.measure}"
    evidence = [Evidence(name, outcome.value, "")]
    if outcome.trivial is not None:
        evidence.append(Evidence(f"trivial_{outcome.measure}", outcome.trivial, "the reference to beat"))
    if outcome.linear is not None:
        evidence.append(Evidence(f"linear_{outcome.measure}", outcome.linear, "a linear model, same data"))
    return evidence


@rule(
    "ND401",
    "loss-not-decreasing",
    Severity.ERROR,
    "The loss ends no lower than a trivial predictor's: the model learned nothing.",
    tier="outcome",
    requires={m.LOSS},
    central=True,
    min_relative_decrease=readings.MIN_RELATIVE_DECREASE,
)
def loss_not_decreasing(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a run whose loss ends where a predictor that ignores the inputs would be.

    **What it checks.** The run's final loss (on held-out data where it has some, else the mean
    training loss over the last tenth of the run) against the loss of the trivial predictor on
    the same data: predicting the class frequencies (cross-entropy) or the mean (squared
    error). It fires when the final loss is not at least 10% below it. Where the observer could
    not measure the reference, it fires when the smoothed training loss fell by less than
    ``min_relative_decrease`` of its start. A loss that became NaN or Inf is left to ND303.

    **Why it matters.** Falling loss is the most basic sign that a model learns, but a loss that
    falls from a spike of its own making (huge first predictions) to the trivial level has
    learned nothing: any model can reach the loss of ignoring its inputs. Judged against the
    trivial predictor, "the loss fell" means something.

    **Example.** A zero-initialized ReLU MLP on MNIST: the loss sits at 2.30, the cross-entropy
    of predicting the class frequencies, for the whole run.

    **Fix.** Look at the other findings for the cause (initialization, gradients, dead units);
    otherwise check the learning rate, the labels against the loss, and the output activation.

    **Options.** ``min_relative_decrease`` (default 0.1): without a reference, the smallest
    acceptable fall of the loss, as a fraction of its starting value.
    """
    if readings.loss_non_finite(rec):
        return
    start, end = readings.loss_start_end(rec)
    held_out = rec.test_loss is not None and math.isfinite(rec.test_loss)
    final = rec.test_loss if held_out else end
    part = "held_out" if held_out and "held_out" in readings.references(rec) else "within"
    trivial = readings.references(rec).get(part, {}).get("trivial_loss")
    where = "held-out loss" if held_out else "final training loss"
    if isinstance(trivial, (int, float)) and math.isfinite(trivial) and math.isfinite(final):
        bar = (1 - readings.CHANCE_MARGIN) * trivial
        if final < bar:
            return
        predictor = "the mean" if rec.meta.get(m.TASK) == "regression" else "the class frequencies"
        message = (
            f"the {where} is {final:.4g}, no better than the {trivial:.4g} of predicting {predictor} "
            f"whatever the input; expected below {bar:.4g}. {readings.describe_loss_change(rec).capitalize()}."
        )
        evidence = [Evidence(where.replace(" ", "_"), final, f"< {bar:.4g}"), Evidence("trivial_loss", trivial, "")]
    else:
        decrease = readings.relative_decrease(rec)
        if not math.isfinite(decrease) or decrease >= ctx["min_relative_decrease"]:
            return
        change = "rose" if round(decrease, 3) < 0 else "fell by only " + _share(decrease)
        message = (
            f"the training loss {change} over {rec.steps:,} steps: {readings.describe_loss_change(rec)}; "
            f"expected it to fall by at least {ctx['min_relative_decrease']:.0%}."
        )
        evidence = [
            Evidence("loss_start", start, ""),
            Evidence("loss_end", end, f"<= {start * (1 - ctx['min_relative_decrease']):.4g}"),
        ]
    yield ctx.finding(message, fallback_fix(rec), step=rec.steps - 1 if rec.steps else None, evidence=evidence)


def _share(fraction: float) -> str:
    return f"{max(fraction, 0.0):.1%}"


@rule(
    "ND402",
    "chance-accuracy",
    Severity.ERROR,
    "A classifier's accuracy is no better than always guessing the most frequent class.",
    tier="outcome",
    requires={m.ACCURACY, m.TASK},
    central=True,
    applies=readings.is_classifier,
)
def chance_accuracy(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a classifier that ends no better than guessing.

    **What it checks.** The held-out accuracy (the last evaluation), or the mean training
    accuracy over the last tenth of the run when there was no evaluation, against the accuracy of
    always predicting the most frequent class, measured on the same data (1/C for C balanced
    classes). It fires when the accuracy is within a tenth of the way from that to perfect.
    Regression runs are skipped.

    **Why it matters.** A classifier at chance has learned nothing about its inputs: it predicts
    one class, or noise. Accuracy is what the model is for, so this is the symptom that makes
    the statistics of the other rules errors rather than curiosities.

    **Example.** A zero-initialized MNIST MLP ends at 0.113 test accuracy: always "1", the most
    frequent digit.

    **Fix.** Look at the other findings for the cause; otherwise check that the labels match
    the loss and the output layer, and that the inputs are scaled and shuffled.
    """
    outcome = readings.outcome(rec)
    if outcome.measure != m.ACCURACY or outcome.kind != readings.FAILS:
        return
    bar = outcome.trivial + readings.CHANCE_MARGIN * (1 - outcome.trivial)
    step = rec.evals[-1][m.STEP] if outcome.on == "held-out" else rec.steps - 1
    yield ctx.finding(
        f"the {outcome.on} accuracy {outcome.value:.3f} is no better than always predicting the most "
        f"frequent class ({outcome.trivial:.3f} on the same data); expected above {bar:.3f}."
        + _linear_clause(outcome),
        fallback_fix(rec),
        step=step,
        evidence=_outcome_evidence(outcome),
    )


def _linear_clause(outcome: readings.Outcome) -> str:
    if outcome.linear is None:
        return ""
    return f" A linear model fitted on the same training data scores {_figure(outcome, outcome.linear)}."


def _figure(outcome: readings.Outcome, value: float) -> str:
    return f"{value:.3f}" if outcome.measure == m.ACCURACY else f"{value:.4g}"


@rule(
    "ND404",
    "learns-badly",
    Severity.ERROR,
    "The model learns, but far less than a linear model does on the same data.",
    tier="outcome",
    requires={m.REFERENCES},
    applies=lambda rec: rec.meta.get(m.TASK) is not None,
)
def learns_badly(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a model that ends well below a linear model fitted on the same data.

    **What it checks.** The run's final held-out accuracy (classifiers) or loss (regression),
    against two references the observer measures on the same data: the trivial predictor and a
    linear model (ridge regression on standardized inputs, closed form). It fires when the
    model recovers less than 75% of the linear model's gain over the trivial predictor. Runs at
    the trivial level are left to ND401 and ND402.

    **Why it matters.** "Above chance" is not "healthy": an MLP trained with Adam at a learning
    rate of 0.1 ends between 20 and 47% on MNIST, where a logistic regression reaches about 85%
    and the same MLP at 1e-3 about 94%. A network that cannot beat a linear model on its own
    data has a problem that more epochs will not fix; the other findings usually name it.

    **Example.** ``Adam(learning_rate=0.1)`` on an MNIST MLP: held-out accuracy 0.37, a linear
    model 0.82.

    **Fix.** Look at the other findings for the cause: the learning rate and the optimizer, the
    initialization, dropout and regularization, the scale of the inputs.
    """
    outcome = readings.outcome(rec)
    if outcome.kind != readings.BADLY:
        return
    gain = (outcome.value - outcome.trivial) / (outcome.linear - outcome.trivial)
    noun = m.ACCURACY if outcome.measure == m.ACCURACY else m.LOSS
    yield ctx.finding(
        f"the model learns, but badly: its {outcome.on} {noun} is {_figure(outcome, outcome.value)}, where a linear "
        f"model fitted on the same training data scores {_figure(outcome, outcome.linear)} and a predictor that "
        f"ignores the inputs {_figure(outcome, outcome.trivial)}: it recovers {gain:.0%} of what the linear model "
        f"gains over that; expected at least {readings.LINEAR_SHARE:.0%}.",
        fallback_fix(rec),
        step=rec.steps - 1 if rec.steps else None,
        evidence=_outcome_evidence(outcome),
    )


@rule(
    "ND403",
    "diverging-loss",
    Severity.ERROR,
    "The training loss rises, or swings ever wider, as training goes on.",
    tier="mechanism",
    gated=True,
    explained_by={"ND206", "ND209", "ND210", "ND601", "ND202"},
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
    rises = rise > floor and level[-1] > (1 + ctx["min_rise"]) * level[lowest]
    if rises:
        times = f", {level[-1] / level[lowest]:.3g} times its lowest" if level[lowest] > 0 else ""
        clauses.append(
            f"it rose from a median of {level[lowest]:.4g} over {span(lowest)} to {level[-1]:.4g} over "
            f"{span(windows - 1)}{times} (expected at most {1 + ctx['min_rise']:g} times its lowest)"
        )
        evidence.append(Evidence("loss_level_end", float(level[-1]), f"<= {(1 + ctx['min_rise']) * level[lowest]:.4g}"))
    if swing[-1] > floor and swing[-1] > ctx["min_growth"] * swing[0]:
        times = f", {swing[-1] / swing[0]:.3g} times the first" if swing[0] > 0 else ""
        clauses.append(
            f"its swings grew from {swing[0]:.3g} over {span(0)} to {swing[-1]:.3g} over "
            f"{span(windows - 1)} (10th to 90th percentile{times}; expected at most {ctx['min_growth']:g} times)"
        )
        evidence.append(Evidence("loss_swing_end", float(swing[-1]), f"<= {ctx['min_growth'] * swing[0]:.3g}"))
    if not clauses:
        return
    what = "diverges" if rises else "becomes unstable"
    message = f"the training loss {what}: " + "; and ".join(clauses) + "."
    if bad.size:
        message += f" It became non-finite at step {bad[0]} (see ND303)."
    yield ctx.finding(
        message,
        "Lower the learning rate 3-10x or let a schedule decay it, clip gradients "
        "(keras.optimizers.SGD(learning_rate=..., clipnorm=1.0)), and normalize the inputs and "
        "regression targets.",
        step=int(bounds[-1] - 1),
        evidence=evidence,
    )
