"""Test each proposed fix: re-run training briefly with the fix applied, from the same seed on
the same data, beside the unchanged program for the same budget (the control), and judge what
the fix changed.

What is compared is the run's outcome measure (:func:`netdoctor.readings.outcome`): accuracy for
a classifier, the loss for a regression, on held-out data where both runs have it. Verdicts:

``confirmed``   the fix repairs the run: the fixed run learns (it reaches the learned reference:
                :data:`~netdoctor.readings.LINEAR_SHARE` of what a linear model gains over the
                trivial one), or it recovers at least :data:`REPAIRED_SHARE` of the way from the
                control to that reference within the short budget; and it beats the control by
                more than the seed spread.
``partial``     it beats the control by more than the spread, but does not repair the run.
``refuted``     it is no better than the control, which fails or learns badly: the finding is
                demoted to a warning, unless it is certain on its own or nothing else would
                leave the run sick (a fix that does not help is no proof of health).
``not verifiable``  the fix cannot be applied to this kind of run, found nothing to change, the
                re-run failed, or the unchanged run learns as well as the fixed one (a defect
                that does not stop this run is not refuted by it).

One seed first; where the effect is neither clearly large nor clearly absent, two more seeds for
both runs, and the spread is reported. An effect counts when the fixed runs' worst seed beats the
control's best by more than the sampling noise of a small held-out set (two standard errors of
a difference of accuracies) and :data:`NO_EFFECT`. Where single fixes are partial, the two best are tried
together.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from netdoctor import interventions, readings
from netdoctor import metrics as m
from netdoctor.findings import Finding, Severity
from netdoctor.interventions import Planned
from netdoctor.recording import Recording

#: Steps of each verification run, at most (never more than the original run took).
BUDGET_STEPS = 300
#: Seeds tried when one is not conclusive.
SEEDS = 3
#: An effect (accuracy points, or a share of the trivial loss) at least this large is clear with
#: one seed; one below ``NO_EFFECT`` is clearly none.
CLEAR_EFFECT, NO_EFFECT = 0.10, 0.02
#: A fixed run that recovers this share of the way from the control to the learned reference
#: counts as repaired within the short budget.
REPAIRED_SHARE = 0.5
#: The most steps a re-run takes, whatever its intervention asks (a smaller batch takes more
#: steps for the same examples).
MAX_STEPS = 10 * BUDGET_STEPS
#: At most this many distinct interventions are tried for one report.
MAX_INTERVENTIONS = 4

CONFIRMED, PARTIAL, REFUTED, NOT_VERIFIABLE = "confirmed", "partial", "refuted", "not verifiable"
#: Verdicts in the order root causes are ranked by.
ORDER = (CONFIRMED, PARTIAL, NOT_VERIFIABLE, REFUTED)

#: Runs one verification: (interventions as specs, seed, steps) -> the recording.
Runner = Callable[[list[dict[str, Any]], int, int], Recording]


@dataclass(frozen=True)
class Score:
    """What one side (the control or the fixed program) reached, over its seeds."""

    measure: str  # accuracy or loss
    on: str  # held-out or training
    values: tuple[float, ...]  # one per seed
    steps: int
    outcome: str  # the outcome kind of the first seed's run
    train_loss: float | None = None  # mean training loss of the last steps (first seed)

    @property
    def value(self) -> float:
        return float(np.mean(self.values))

    @property
    def spread(self) -> float:
        return float(np.ptp(self.values)) if len(self.values) > 1 else 0.0

    def value_figure(self) -> str:
        """``0.595``, or ``0.595 (0.581-0.602)`` over several seeds."""
        number = (lambda v: f"{v:.3f}") if self.measure in (m.ACCURACY, PROGRESS) else (lambda v: f"{v:.4g}")
        text = number(self.value)
        if len(self.values) > 1:
            text += f" ({number(min(self.values))}-{number(max(self.values))})"
        return text

    def figure(self) -> str:
        """``held-out accuracy 0.595``, with the range over several seeds."""
        if self.measure == PROGRESS:
            return f"progress towards a linear model's score {self.value_figure()}"
        return f"{self.on} {self.measure} {self.value_figure()}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "on": self.on,
            "value": self.value,
            "values": list(self.values),
            "spread": self.spread,
            "steps": self.steps,
            "outcome": self.outcome,
            "train_loss": self.train_loss,
        }


@dataclass(frozen=True)
class Verification:
    """What re-running with one finding's fix showed."""

    verdict: str
    intervention: str  # the catalog name ("together" for a pair)
    description: str
    budget: int = 0
    seeds: tuple[int, ...] = ()
    control: Score | None = None
    fixed: Score | None = None
    effect: float | None = None  # fixed minus control, in the measure's better direction
    recovered: float | None = None  # share of the way from the control to the learned reference
    reason: str | None = None  # why it is not verifiable, or what the verdict rests on
    together_with: tuple[str, ...] = ()  # codes of the findings fixed in the same run
    diff: str | None = None  # the fix as a unified diff of the user's file, where it is one line
    demoted: bool = False  # refuted, and the finding demoted to a warning for it

    @property
    def rank(self) -> tuple[int, float]:
        return ORDER.index(self.verdict), -(self.effect or 0.0)

    @property
    def line(self) -> str:
        """The before/after line under a finding."""
        if self.control is None or self.fixed is None:
            return f"{self.verdict}: {self.reason}"
        if self.reason:
            return f"{self.verdict}: {self.reason} ({self.description}: {self.control.figure()} -> {self.fixed.value_figure()})"
        seeds = f"seeds {', '.join(map(str, self.seeds))}" if len(self.seeds) > 1 else f"seed {self.seeds[0]}"
        steps = f"{self.budget:,} steps"
        if self.fixed.steps != self.control.steps:
            steps = f"{self.control.steps:,} steps unchanged, {self.fixed.steps:,} with the fix"
        return (
            f"{self.verdict}: {self.description}: {self.control.figure()} unchanged -> "
            f"{self.fixed.value_figure()} with the fix ({steps}, {seeds})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "intervention": self.intervention,
            "description": self.description,
            "budget_steps": self.budget,
            "seeds": list(self.seeds),
            "control": self.control.to_dict() if self.control else None,
            "fixed": self.fixed.to_dict() if self.fixed else None,
            "effect": self.effect,
            "recovered": self.recovered,
            "reason": self.reason,
            "together_with": list(self.together_with),
            "diff": self.diff,
            "demoted": self.demoted,
        }


# ---- reading a verification run -----------------------------------------------------------------
#: The measure of runs that train with different losses and share no accuracy: how far each got
#: from its trivial reference towards its linear one (1.0: as far as the linear model).
PROGRESS = "progress"


def _progress(rec: Recording) -> float | None:
    outcome = readings.outcome(rec)
    if (
        outcome.value is None
        or outcome.trivial is None
        or outcome.linear is None
        or outcome.linear == outcome.trivial
    ):
        return None
    if not math.isfinite(outcome.value):
        return None
    return (outcome.value - outcome.trivial) / (outcome.linear - outcome.trivial)


def _value(rec: Recording, measure: str, on: str) -> float | None:
    if readings.loss_non_finite(rec):
        return None
    if measure == PROGRESS:
        return _progress(rec)
    if measure == m.ACCURACY:
        value = rec.test_accuracy if on == "held-out" else readings.final_train_accuracy(rec)
    else:
        value = rec.test_loss if on == "held-out" else readings.loss_start_end(rec)[1]
    return float(value) if value is not None and math.isfinite(value) else None


def _has_accuracy(rec: Recording) -> bool:
    return bool(np.isfinite(rec.train_accuracy).any()) or rec.test_accuracy is not None


def _common_ground(control: Recording, fixed: Recording, same_loss: bool) -> tuple[str, str] | None:
    """The measure both runs can be compared on, and where (held-out only if both have it);
    None when they share none. Runs with different losses are compared by accuracy, or by
    their progress towards their own linear references."""
    if (readings.is_classifier(control) or readings.is_classifier(fixed)) and all(
        map(_has_accuracy, (control, fixed))
    ):
        measure = m.ACCURACY
    elif same_loss:
        measure = m.LOSS
    elif all(_progress(rec) is not None for rec in (control, fixed)):
        return PROGRESS, "training"
    else:
        return None
    key = "test_accuracy" if measure == m.ACCURACY else "test_loss"
    held_out = all(getattr(r, key) is not None for r in (control, fixed))
    return measure, "held-out" if held_out else "training"


def _worst(measure: str, rec: Recording) -> float:
    """The figure a run whose loss became NaN/Inf counts as: chance accuracy, no progress, or
    an Inf loss."""
    if measure == m.ACCURACY:
        return readings.chance_accuracy(rec) or 0.0
    return 0.0 if measure == PROGRESS else math.inf


def _score(runs: list[Recording], measure: str, on: str) -> Score:
    values = []
    for rec in runs:
        value = _value(rec, measure, on)
        values.append(_worst(measure, rec) if value is None else value)
    first = runs[0]
    _, end = readings.loss_start_end(first)
    return Score(
        measure,
        on,
        tuple(values),
        first.steps,
        readings.outcome(first).kind,
        end if math.isfinite(end) else None,
    )


def _scale(measure: str, original: Recording) -> float:
    """What an effect is measured in: accuracy points, shares of the linear gain, or the trivial
    loss."""
    if measure in (m.ACCURACY, PROGRESS):
        return 1.0
    trivial = readings.references(original).get("within", {}).get("trivial_loss")
    return float(trivial) if isinstance(trivial, (int, float)) and trivial > 0 else 1.0


def _effect(control: Score, fixed: Score, scale: float) -> float:
    if control.measure in (m.ACCURACY, PROGRESS):
        return fixed.value - control.value
    if not math.isfinite(fixed.value):
        return -math.inf
    if not math.isfinite(control.value):
        return math.inf
    return (control.value - fixed.value) / scale


def _learned_reference(original: Recording, measure: str) -> float | None:
    """The figure a run that learns reaches: the outcome's learned threshold on the same data;
    None where a linear model learns nothing either (there is no way to go)."""
    if measure == PROGRESS:
        return readings.LINEAR_SHARE
    outcome = readings.outcome(original)
    if outcome.measure != measure or outcome.trivial is None or outcome.linear is None:
        return None
    gain = outcome.linear - outcome.trivial if measure == m.ACCURACY else outcome.trivial - outcome.linear
    room = (1.0 - outcome.trivial) if measure == m.ACCURACY else outcome.trivial
    if gain <= readings.CHANCE_MARGIN * room:
        return None
    return outcome.trivial + readings.LINEAR_SHARE * (outcome.linear - outcome.trivial)


def _recovered(control: Score, fixed: Score, reference: float | None) -> float | None:
    if reference is None or not (math.isfinite(control.value) and math.isfinite(fixed.value)):
        return None
    higher = control.measure in (m.ACCURACY, PROGRESS)
    gap = reference - control.value if higher else control.value - reference
    if gap <= 0:
        return None
    gained = fixed.value - control.value if higher else control.value - fixed.value
    return gained / gap


def _sampling_noise(control: Score, runs: list[Recording]) -> float:
    """Twice the standard error of a difference of two held-out accuracies on ``n`` examples
    (binomial): what two runs can differ by on a small held-out set by chance alone."""
    if control.measure != m.ACCURACY or control.on != "held-out":
        return 0.0
    sizes = [rec.evals[-1].get(m.EVALUATED) for rec in runs if rec.evals]
    sizes = [n for n in sizes if isinstance(n, int) and n > 0]
    if not sizes:
        return 0.0
    p = min(max(control.value, 0.05), 0.95)
    return 2.0 * math.sqrt(2.0 * p * (1.0 - p) / min(sizes))


def _separation(control: Score, fixed: Score, scale: float) -> float:
    """How far the fixed runs' worst seed beats the control's best, in the effect's unit (the
    effect itself with one seed): more than the noise floor, and the two ranges do not overlap."""
    return _effect(_extreme(control, best=True), _extreme(fixed, best=False), scale)


def _extreme(score: Score, best: bool) -> Score:
    """The score of ``score``'s best (or worst) seed alone."""
    higher_is_better = score.measure in (m.ACCURACY, PROGRESS)
    value = max(score.values) if best == higher_is_better else min(score.values)
    return Score(score.measure, score.on, (value,), score.steps, score.outcome)


def _judge(
    control: Score, fixed: Score, separation: float, recovered: float | None, sampling: float = 0.0
) -> str:
    if not separation > max(NO_EFFECT, sampling):
        # a run that learns without the fix cannot refute it: the defect may still be there
        return NOT_VERIFIABLE if control.outcome == readings.LEARNS else REFUTED
    if fixed.outcome == readings.LEARNS or (recovered is not None and recovered >= REPAIRED_SHARE):
        return CONFIRMED
    return PARTIAL


def _conclusive(effect: float, noise: float) -> bool:
    """Whether one seed settles it: an effect below the noise floor is no evidence of one, and a
    clear one needs no more seeds."""
    return effect < max(NO_EFFECT, noise) or effect >= CLEAR_EFFECT


# ---- running ------------------------------------------------------------------------------------
@dataclass
class Runs:
    """Verification runs, each made once: by (plan key, seed)."""

    runner: Runner
    budget: int
    made: dict[tuple[str, int], Recording] = field(default_factory=dict)

    def get(self, plan: Planned | None, seed: int) -> Recording:
        key = (plan.key if plan else "", seed)
        if key not in self.made:
            steps = (
                self.budget if plan is None else min(math.ceil(self.budget * plan.steps_factor), MAX_STEPS)
            )
            self.made[key] = self.runner([plan.to_spec()] if plan else [], seed, steps)
        return self.made[key]


def _failed(rec: Recording) -> str | None:
    """Why a verification run cannot be compared, or None."""
    if rec.error is not None and rec.steps == 0:
        return f"the re-run failed: {rec.error.get('message', 'no reason given')}"
    if rec.steps == 0:
        return "the re-run trained nothing"
    return None


def _unchanged(rec: Recording, plan: Planned) -> bool:
    """Whether the intervention found nothing to change in the re-run."""
    applied = rec.meta.get(m.INTERVENED) or []
    return not any(entry.get("applied") for entry in applied if isinstance(entry, dict))


def compare(plan: Planned, runs: Runs, original: Recording, seed: int) -> Verification:
    """Re-run with ``plan`` beside the control (from ``runs``, which makes each run once) and
    judge the difference; ``original`` is the run the plan was made for."""
    control_runs, fixed_runs = [runs.get(None, seed)], [runs.get(plan, seed)]
    for rec in (*control_runs, *fixed_runs):
        why = _failed(rec)
        if why is not None:
            return Verification(NOT_VERIFIABLE, plan.name, plan.description, runs.budget, (seed,), reason=why)
    if _unchanged(fixed_runs[0], plan):
        return Verification(
            NOT_VERIFIABLE, plan.name, plan.description, runs.budget, (seed,),
            reason=f"{plan.description}: the re-run found nothing to change",
        )  # fmt: skip
    ground = _common_ground(control_runs[0], fixed_runs[0], same_loss=not plan.changes_loss)
    if ground is None:
        return Verification(
            NOT_VERIFIABLE, plan.name, plan.description, runs.budget, (seed,),
            reason="the fix changes the loss, and the runs share no measure to compare them by",
        )  # fmt: skip
    measure, on = ground
    scale = _scale(measure, original)
    reference = _learned_reference(original, measure)
    control, fixed = _score(control_runs, measure, on), _score(fixed_runs, measure, on)
    effect = _effect(control, fixed, scale)
    seeds = [seed]
    if not _conclusive(effect, _sampling_noise(control, [*control_runs, *fixed_runs])):
        seeds = [seed + k for k in range(SEEDS)]
        control_runs = [runs.get(None, s) for s in seeds]
        fixed_runs = [runs.get(plan, s) for s in seeds]
        if any(_failed(rec) for rec in (*control_runs, *fixed_runs)):
            seeds, control_runs, fixed_runs = [seed], control_runs[:1], fixed_runs[:1]
        control, fixed = _score(control_runs, measure, on), _score(fixed_runs, measure, on)
        effect = _effect(control, fixed, scale)
    recovered = _recovered(control, fixed, reference)
    sampling = _sampling_noise(control, [*control_runs, *fixed_runs])
    verdict = _judge(control, fixed, _separation(control, fixed, scale), recovered, sampling)
    reason = (
        "the run learns without the fix too: a re-run cannot show what it changes"
        if verdict == NOT_VERIFIABLE
        else None
    )
    return Verification(
        verdict,
        plan.name,
        plan.description,
        runs.budget,
        tuple(seeds),
        control,
        fixed,
        effect,
        recovered,
        reason,
    )


def candidates(findings: list[Finding], rec: Recording) -> list[tuple[Finding, Planned | str | None]]:
    """The findings a verification concerns (errors that are not the outcome itself), each with
    its planned intervention, or why none can test it."""
    chosen = []
    for finding in findings:
        if finding.severity is not Severity.ERROR or finding.is_symptom:
            continue
        chosen.append((finding, interventions.for_finding(finding, rec)))
    return chosen


def verify(
    findings: list[Finding],
    original: Recording,
    runner: Runner,
    budget: int,
    diff: Callable[[Planned], str | None] | None = None,
) -> dict[str, Verification]:
    """Verify the fix of every candidate finding with runs of ``budget`` steps; returns a
    verification per finding code. ``diff`` shows a fix that helped as a change of the user's
    source."""
    seed = int(original.meta.get(m.SEED) or 0)
    runs = Runs(runner, budget)
    results: dict[str, Verification] = {}
    plans: dict[str, Planned] = {}
    for finding, planned in candidates(findings, original):
        if not isinstance(planned, Planned):
            why = planned or "no intervention implements this fix"
            results[finding.code] = Verification(NOT_VERIFIABLE, "", "", reason=why)
            continue
        known = plans.get(planned.key)
        if known is not None:
            plans[planned.key] = replace(known, codes=known.codes + planned.codes)
        elif len(plans) < MAX_INTERVENTIONS:
            plans[planned.key] = planned
    by_plan = {
        key: _with_diff(compare(plan, runs, original, seed), plan, diff) for key, plan in plans.items()
    }
    for key, plan in list(plans.items()):  # a fix that helped too little, once more 10x further
        further = interventions.stronger(plan)
        if further is not None and by_plan[key].verdict in (REFUTED, PARTIAL):
            tried = _with_diff(compare(further, runs, original, seed), further, diff)
            if tried.rank < by_plan[key].rank:
                plans[key], by_plan[key] = further, tried
    for key, plan in plans.items():
        for code in plan.codes:
            results[code] = by_plan[key]
    partial = [
        plans[key]
        for key in sorted(plans, key=lambda key: by_plan[key].rank)
        if by_plan[key].verdict == PARTIAL
    ]
    if len(partial) >= 2:
        pair = interventions.combined(partial[:2])
        together = _with_diff(compare(pair, runs, original, seed), pair, diff)
        if together.verdict == CONFIRMED:
            for plan in partial[:2]:
                others = tuple(code for code in pair.codes if code not in plan.codes)
                results.update({code: replace(together, together_with=others) for code in plan.codes})
    return results


def _with_diff(
    verification: Verification, plan: Planned, diff: Callable[[Planned], str | None] | None
) -> Verification:
    if diff is None or verification.verdict not in (CONFIRMED, PARTIAL):
        return verification
    return replace(verification, diff=diff(plan))


def budget_for(original: Recording, steps: int = BUDGET_STEPS) -> int:
    """The verification budget: ``steps``, never more than the original run was to take (its
    planned steps, or the --steps cap of a script; a run that stopped early, on a NaN, was to go
    on)."""
    planned = original.meta.get(m.STEPS_PLANNED) or original.meta.get(m.STEPS_LIMIT) or original.steps
    return max(1, min(steps, int(planned)))


def verify_report(
    report: Any,
    target: Any,
    *,
    batch_size: int,
    data: str,
    budget_steps: int = BUDGET_STEPS,
    argv: list[str] | None = None,
    echo_output: bool = False,
    watch: Callable[[str, int, int], Callable[[dict[str, Any]], None] | None] | None = None,
) -> Any:
    """``report`` (a :class:`~netdoctor.findings.Report` of ``target``, a
    :class:`~netdoctor.target.Target`) with its fixes verified by re-runs of ``target`` in the
    current observer (see :func:`netdoctor.supervise.shared_observer`). ``watch(what, seed,
    steps)`` may give a record callback for each re-run (a progress bar). Ctrl-C stops the
    verification and keeps the report as it was, marked interrupted."""
    import time

    from netdoctor.diffs import unified_diff
    from netdoctor.judge import verified
    from netdoctor.supervise import observe

    recording = report.recording
    budget = budget_for(recording, budget_steps)
    started, count = time.perf_counter(), 0

    def run(planned: list[dict[str, Any]], seed: int, steps: int) -> Recording:
        nonlocal count
        count += 1
        what = " + ".join(p["name"] for p in planned) or "unchanged"
        rerun = observe(
            target, steps=steps, batch_size=batch_size, data=data, seed=seed, argv=argv,
            interventions=planned, echo_output=echo_output, soft_limit=True, light=True,
            on_record=watch(what, seed, steps) if watch is not None else None,
        )  # fmt: skip
        if rerun.error is not None and rerun.error.get("interrupted"):
            raise KeyboardInterrupt
        return rerun

    interrupted = False
    try:
        found = verify(
            report.findings,
            recording,
            run,
            budget,
            lambda plan: unified_diff(plan, recording, target.path, target.display),
        )
    except KeyboardInterrupt:
        found, interrupted = {}, True
    result = verified(report, found)
    result.verification = {
        "budget_steps": budget,
        "runs": count,
        "seconds": time.perf_counter() - started,
        "interrupted": interrupted,
    }
    return result
