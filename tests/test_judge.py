"""The judge's severity policy, applied once from the rules' metadata: outcomes judged against
the references, gating, one finding per rule, causes and their consequences, what was not
checked."""

from __future__ import annotations

from netdoctor import readings
from netdoctor.findings import Severity, Verdict
from netdoctor.judge import diagnose

from synthetic import NOT_LEARNING, healthy_mlp, zero_init_mlp

MNIST_REFERENCES = {
    "within": {"trivial_accuracy": 0.11, "trivial_loss": 2.30, "linear_accuracy": 0.82},
    "held_out": {"trivial_accuracy": 0.11, "trivial_loss": 2.30, "linear_accuracy": 0.81},
}
DIABETES_REFERENCES = {"within": {"trivial_loss": 5400.0, "linear_loss": 3000.0}, "held_out": {"trivial_loss": 6400.0, "linear_loss": 2900.0}}


def with_references(**overrides):
    return healthy_mlp(meta={"references": MNIST_REFERENCES}, **overrides)


# ---- outcomes ----------------------------------------------------------------------------------
def test_a_classifier_at_the_majority_class_fails_and_says_so_with_both_references():
    outcome = readings.outcome(with_references(**NOT_LEARNING))
    assert outcome.kind == readings.FAILS and outcome.on == "held-out"
    assert outcome.sentence == (
        "fails to learn: held-out accuracy 0.114; always predicting the most frequent class scores "
        "0.110; a linear model on the same data scores 0.810"
    )


def test_above_chance_but_far_below_a_linear_model_learns_badly():
    assert readings.outcome(with_references(test_accuracy=0.37)).kind == readings.BADLY
    assert readings.outcome(with_references(test_accuracy=0.75)).kind == readings.LEARNS
    assert readings.outcome(healthy_mlp(test_accuracy=0.37)).kind == readings.LEARNS  # no reference: no verdict of badly


def test_a_loss_that_falls_from_a_spike_to_the_trivial_level_did_not_learn():
    spike = [1e5] * 5 + [2.303] * 995  # "the loss fell" from its own spike
    outcome = readings.outcome(with_references(loss=spike, test_accuracy=0.5, accuracy=(0.1, 0.5)))
    assert outcome.kind == readings.FAILS


def test_a_regression_against_the_mean_and_a_linear_fit():
    common = {"task": "regression", "num_classes": None, "class_fractions": None, "accuracy": None, "test_accuracy": None}
    learns = healthy_mlp(loss=(20000, 2500), meta={"references": DIABETES_REFERENCES, "loss": "mean_squared_error"}, **common)
    assert readings.outcome(learns).kind == readings.LEARNS
    stuck = healthy_mlp(loss=(20000, 6000), meta={"references": DIABETES_REFERENCES, "loss": "mean_squared_error"}, **common)
    assert readings.outcome(stuck).kind == readings.FAILS
    halfway = healthy_mlp(loss=(20000, 4600), meta={"references": DIABETES_REFERENCES, "loss": "mean_squared_error"}, **common)
    assert readings.outcome(halfway).kind == readings.BADLY


# ---- gating, merging, explanations ---------------------------------------------------------------------
DEAD = {"layer_metrics": {"dense": {"dead_fraction": 0.9}, "dense_1": {"dead_fraction": 0.8}}}


def test_a_gated_finding_is_an_error_only_when_the_run_fails():
    assert diagnose(healthy_mlp(**DEAD), select=["ND301"]).findings[0].severity is Severity.WARNING
    failing = diagnose(healthy_mlp(**DEAD, **NOT_LEARNING), select=["ND301"]).findings
    assert [f.severity for f in failing] == [Severity.ERROR]


def test_the_same_rule_on_several_layers_is_one_finding():
    (finding,) = diagnose(healthy_mlp(**DEAD, **NOT_LEARNING), select=["ND301"]).findings
    assert finding.layers == ("dense", "dense_1") and "The same holds for `dense_1`." in finding.message
    assert {e.layer for e in finding.evidence} == {"dense", "dense_1"}


def test_consequences_point_at_their_cause_and_outcomes_at_the_top_cause():
    report = diagnose(zero_init_mlp())
    by_code = {f.code: f for f in report.findings}
    assert [f.code for f in report.root_causes] == ["ND101"]
    assert by_code["ND102"].explained_by == by_code["ND301"].explained_by == "ND101"
    assert by_code["ND402"].explained_by == "ND101" and report.findings[0].code == "ND101"
    assert {f.code for f in report.consequences(by_code["ND101"])} == {"ND102", "ND203", "ND301", "ND401", "ND402"}


def test_a_finding_never_cites_a_cause_the_user_deselected():
    report = diagnose(zero_init_mlp(), ignore=["ND1"])
    assert all(f.explained_by is None or not f.explained_by.startswith("ND1") for f in report.findings)


def test_warnings_do_not_explain_a_failure():
    report = diagnose(healthy_mlp(meta={"references": MNIST_REFERENCES}, sample_fields={"memory_rss": [700e6 + 2e6 * 10 * i for i in range(20)]}, **NOT_LEARNING))
    memory = next(f for f in report.findings if f.code == "ND703")
    assert memory.severity is Severity.WARNING
    assert all(f.explained_by != "ND703" for f in report.findings)


# ---- what could not be checked --------------------------------------------------------------------
def test_rules_whose_metrics_were_not_measured_are_not_checked_and_the_run_is_unverified():
    observed = ["kernel_min", "kernel_max", "kernel_std", "symmetric_fraction", "update_ratio", "update_norm", "dead_fraction"]
    unmeasured = {name: {"grad_norm": None} for name in ("dense", "dense_1", "dense_2")}
    report = diagnose(healthy_mlp(layer_metrics=unmeasured, meta={"observed": observed}))
    missing = {item.code: item.missing for item in report.not_checked}
    assert missing["ND201"] == ("grad_norm",) and missing["ND202"] == ("grad_norm",) and "ND101" not in missing
    assert not report.findings and report.verdict is Verdict.UNVERIFIED
    assert diagnose(healthy_mlp()).verdict is Verdict.HEALTHY
