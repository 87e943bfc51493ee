"""Verified diagnoses, judged without TensorFlow: the verdict of each re-run comparison, the seeds
added when one is not conclusive, the pair tried when single fixes are partial, and what the
report does with the verdicts (demotion, ranking, the JSON object)."""

from __future__ import annotations

import json

import pytest

from netdoctor import interventions, verification
from netdoctor import metrics as m
from netdoctor.findings import Finding, Report, Severity, Verdict
from netdoctor.interventions import CATALOG, Planned, for_finding
from netdoctor.judge import diagnose, verified
from netdoctor.output.json_report import render_json
from netdoctor.output.text import make_console, text_report
from netdoctor.rules import REGISTRY

from synthetic import healthy_mlp, make_recording, zero_init_mlp

#: References as the observer measures them on MNIST: majority class 0.1135, linear 0.80.
REFERENCES = {
    "within": {"trivial_accuracy": 0.1124, "linear_accuracy": 0.81, "trivial_loss": 2.301, "linear_loss": 0.7},
    "held_out": {"trivial_accuracy": 0.1135, "linear_accuracy": 0.80, "trivial_loss": 2.301, "linear_loss": 0.7},
}

#: Raw MNIST pixels.
PIXELS = {"min": 0.0, "max": 255.0, "mean": 33.3, "std": 78.6}


def original(meta=None, **overrides):
    """The zero-initialized MLP that fails to learn, with references."""
    return zero_init_mlp(meta={m.REFERENCES: REFERENCES, **(meta or {})}, **overrides)


def rerun(test_accuracy: float, *, applied: bool = True, steps: int = 300, **overrides):
    """A verification re-run that ends at ``test_accuracy``."""
    learned = test_accuracy > 0.5
    facts = {m.REFERENCES: REFERENCES, m.INTERVENED: [{"name": "x", "applied": ["model"] if applied else []}]}
    return make_recording(
        steps=steps,
        loss=(2.3, 0.4) if learned else (2.3026, 2.30 - test_accuracy),
        accuracy=(0.1, test_accuracy),
        test_accuracy=test_accuracy,
        meta=facts,
        **overrides,
    )


class Runner:
    """Serves re-runs from a table: intervention names (``"unchanged"`` for none) and seed ->
    held-out accuracy; counts what it ran."""

    def __init__(self, accuracies, **options):
        self.accuracies = accuracies
        self.options = options
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, planned, seed, steps):
        name = " + ".join(p["name"] for p in planned) or "unchanged"
        if name == "together":
            name = " + ".join(part["name"] for part in planned[0]["params"]["parts"])
        self.calls.append((name, seed, steps))
        value = self.accuracies[name]
        value = value[seed] if isinstance(value, dict) else value
        return rerun(value, applied=name == "unchanged" or self.options.get("applied", True), steps=steps)


def text_of(report) -> str:
    console = make_console(no_color=True)
    console.width = 200
    return text_report(report, console)


def verify(rec, runner, **kwargs):
    report = diagnose(rec)
    found = verification.verify(report.findings, rec, runner, 300, **kwargs)
    return report, found


def test_a_fix_that_repairs_the_run_is_confirmed_with_one_seed():
    runner = Runner({"unchanged": 0.11, "reinitialize": 0.90})
    diffs = []
    _, found = verify(original(), runner, diff=lambda plan: diffs.append(plan.name) or "--- a\n+++ b\n")
    result = found["ND101"]
    assert result.verdict == verification.CONFIRMED
    assert result.seeds == (0,)
    assert result.control.value == pytest.approx(0.11) and result.fixed.value == pytest.approx(0.90)
    assert result.effect == pytest.approx(0.79)
    assert found["ND102"] is result  # the same intervention tests both: it ran once
    assert sorted(runner.calls) == [("reinitialize", 0, 300), ("unchanged", 0, 300)]
    assert diffs == ["reinitialize"] and result.diff.startswith("---")
    assert "0.110 unchanged -> 0.900 with the fix (300 steps, seed 0)" in result.line


def test_a_fix_no_better_than_the_control_is_refuted_and_demoted():
    rec = original()
    report, found = verify(rec, Runner({"unchanged": 0.11, "reinitialize": 0.112}))
    assert found["ND101"].verdict == verification.REFUTED
    judged = verified(report, found)
    by_code = {f.code: f for f in judged.findings}
    # the dead units are a gated hypothesis: refuted, they are demoted and explain nothing
    assert by_code["ND301"].severity is Severity.WARNING and by_code["ND301"].verification.demoted
    assert all(f.explained_by != "ND301" for f in judged.findings)
    # identical kernels are a defect certain on its own: a fix that did not help leaves it an error
    assert by_code["ND101"].severity is Severity.ERROR and not by_code["ND101"].verification.demoted
    assert judged.verdict is Verdict.SICK


def test_refuting_every_cause_leaves_a_failing_run_sick():
    rec = original()
    report, found = verify(rec, Runner({"unchanged": 0.11, "reinitialize": 0.112}))
    refuted = [f for f in report.findings if REGISTRY[f.code].gated and found[f.code].verdict == verification.REFUTED]
    gated_only = Report(rec, refuted, report.settings)
    assert {f.severity for f in gated_only.findings} == {Severity.ERROR}
    judged = verified(gated_only, found)
    assert judged.verdict is Verdict.SICK
    assert not any(f.verification and f.verification.demoted for f in judged.findings)
    assert "the run still fails with it" in text_of(judged)


def test_an_unclear_effect_gets_more_seeds_and_their_spread():
    runner = Runner({"unchanged": {0: 0.11, 1: 0.12, 2: 0.10}, "reinitialize": {0: 0.16, 1: 0.17, 2: 0.15}})
    _, found = verify(original(), runner)
    result = found["ND101"]
    assert result.seeds == (0, 1, 2)
    assert result.fixed.values == pytest.approx((0.16, 0.17, 0.15))
    assert result.fixed.spread == pytest.approx(0.02)
    assert result.effect == pytest.approx(0.05)
    # beyond the spread of both sides, but far from the learned reference: partial
    assert result.verdict == verification.PARTIAL
    assert "(0.150-0.170)" in result.line and "seeds 0, 1, 2" in result.line


def test_an_effect_within_the_seed_spread_is_refuted():
    runner = Runner({"unchanged": {0: 0.11, 1: 0.20, 2: 0.10}, "reinitialize": {0: 0.16, 1: 0.15, 2: 0.17}})
    _, found = verify(original(), runner)
    assert found["ND101"].verdict == verification.REFUTED


def test_recovering_half_the_way_to_the_reference_counts_as_repaired_in_a_short_budget():
    # the learned reference is 0.1135 + 0.75 * (0.80 - 0.1135) = 0.628; half the way from 0.11 is 0.37
    confirmed = verify(original(), Runner({"unchanged": 0.11, "reinitialize": 0.45}))[1]["ND101"]
    partial = verify(original(), Runner({"unchanged": 0.11, "reinitialize": 0.25}))[1]["ND101"]
    assert confirmed.verdict == verification.CONFIRMED and confirmed.recovered > verification.REPAIRED_SHARE
    assert partial.verdict == verification.PARTIAL and partial.recovered < verification.REPAIRED_SHARE


def test_a_fix_that_changed_nothing_or_a_failed_rerun_is_not_verifiable():
    unchanged = verify(original(), Runner({"unchanged": 0.11, "reinitialize": 0.11}, applied=False))[1]
    assert unchanged["ND101"].verdict == verification.NOT_VERIFIABLE
    assert "found nothing to change" in unchanged["ND101"].reason

    def broken(planned, seed, steps):
        return _failed_recording() if planned else rerun(0.11)

    result = verification.verify(diagnose(original()).findings, original(), broken, 300)["ND101"]
    assert result.verdict == verification.NOT_VERIFIABLE and result.reason.startswith("the re-run failed")


def _failed_recording():
    rec = make_recording(loss=[], accuracy=None, test_accuracy=None, steps=0, num_samples=0)
    rec.add({"type": "error", "phase": "training", "message": "boom"})
    return rec


def test_two_partial_fixes_are_tried_together():
    rec = original(meta={m.INPUT_STATS: PIXELS})
    runner = Runner(
        {
            "unchanged": 0.11,
            "reinitialize": 0.25,
            "standardize-inputs": 0.24,
            "reinitialize + standardize-inputs": 0.91,
        }
    )
    report, found = verify(rec, runner)
    assert found["ND101"].verdict == verification.CONFIRMED
    assert found["ND601"].verdict == verification.CONFIRMED
    assert found["ND101"].together_with == ("ND601",) and found["ND601"].together_with[0] in ("ND101", "ND102")
    assert ("reinitialize + standardize-inputs", 0, 300) in runner.calls


def test_root_causes_are_ranked_by_the_measured_effect_of_their_fixes():
    rec = original(meta={m.INPUT_STATS: PIXELS})
    report, found = verify(rec, Runner({"unchanged": 0.11, "reinitialize": 0.30, "standardize-inputs": 0.90}))
    judged = verified(report, found)
    assert [f.code for f in judged.root_causes][:1] == ["ND601"]
    assert found["ND601"].verdict == verification.CONFIRMED and found["ND101"].verdict == verification.PARTIAL


def test_findings_without_a_mechanical_fix_say_why():
    report, found = verify(original(), Runner({"unchanged": 0.11, "reinitialize": 0.9}))
    assert found["ND203"].verdict == verification.NOT_VERIFIABLE
    assert "mended in the program's own graph" in found["ND203"].reason
    assert "ND401" not in found  # the outcome itself is not a hypothesis


def test_the_json_report_carries_each_verification():
    report, found = verify(original(), Runner({"unchanged": 0.11, "reinitialize": 0.9}))
    judged = verified(report, found)
    judged.verification = {"budget_steps": 300, "runs": 2, "seconds": 3.0, "interrupted": False}
    document = json.loads(render_json(judged, "test"))
    first = next(f for f in document["findings"] if f["code"] == "ND101")
    assert first["verification"]["verdict"] == "confirmed"
    assert first["verification"]["control"]["value"] == pytest.approx(0.11)
    assert first["verification"]["fixed"]["value"] == pytest.approx(0.9)
    assert first["verification"]["intervention"] == "reinitialize"
    assert first["verification"]["budget_steps"] == 300 and first["verification"]["seeds"] == [0]
    assert document["verification"]["runs"] == 2


def test_the_budget_never_exceeds_what_the_original_run_was_to_take():
    assert verification.budget_for(healthy_mlp(steps=1000)) == 300
    assert verification.budget_for(healthy_mlp(steps=120)) == 120
    stopped_early = healthy_mlp(steps=4, meta={m.STEPS_PLANNED: 1000})
    assert verification.budget_for(stopped_early) == 300


@pytest.mark.parametrize(
    ("code", "facts", "expected"),
    [
        ("ND101", {}, "reinitialize"),
        ("ND601", {m.INPUT_STATS: PIXELS}, "standardize-inputs"),
    ],
)
def test_each_finding_gets_the_intervention_that_implements_its_fix(code, facts, expected):
    rec = original(meta=facts)
    finding = next(f for f in diagnose(rec).findings if f.code == code)
    planned = for_finding(finding, rec)
    assert isinstance(planned, Planned) and planned.name == expected
    assert code in CATALOG[expected].fixes


def test_a_learning_rate_fix_that_helps_too_little_is_taken_ten_times_further():
    rec = original(meta={m.OPTIMIZER_KIND: "SGD", m.LEARNING_RATE: 0.01})
    too_high = Finding("ND206", "learning-rate-too-high", Severity.ERROR, "the learning rate is too high", "lower it")
    plan = for_finding(too_high, rec)
    assert plan.params["factor"] == pytest.approx(0.1)

    class ByRate(Runner):
        def __call__(self, planned, seed, steps):
            factor = planned[0]["params"]["factor"] if planned else 1.0
            self.calls.append((round(factor, 6), seed, steps))
            return rerun({1.0: 0.11, 0.1: 0.11, 0.01: 0.88}[round(factor, 6)], steps=steps)

    runner = ByRate({})
    result = verification.verify([too_high], rec, runner, 300)["ND206"]
    assert result.verdict == verification.CONFIRMED
    assert "divide the learning rate by 100 (0.01 -> 0.0001)" in result.description
    assert sorted(call[0] for call in runner.calls) == [0.01, 0.1, 1.0]


def test_a_learning_rate_is_never_scaled_past_a_thousandfold():
    plan = Planned("lower-learning-rate", {"factor": 1e-3, "hand_written": False, "rate": 0.5}, "")
    assert interventions.stronger(plan) is None
    assert interventions.stronger(Planned("shuffle", {}, "")) is None
