"""The core rules (ND1xx-ND4xx) on synthetic recordings: each fires on its bad pattern, stays silent
on a healthy run, and is an error only when the run fails to learn."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

import netdoctor.rules
from netdoctor.findings import Severity
from netdoctor.judge import diagnose
from netdoctor.rules import REGISTRY, all_rules, get_rule, rule

from synthetic import (
    NOT_LEARNING,
    SAMPLES,
    healthy_mlp,
    make_recording,
    mlp_layers,
    only,
    run,
    series,
    zero_init_mlp,
)

CORE = ["ND101", "ND102", "ND201", "ND202", "ND203", "ND301", "ND303", "ND401", "ND402"]
SECTIONS = ["**What it checks.**", "**Why it matters.**", "**Example.**", "**Fix.**"]

# ---- registry --------------------------------------------------------------------------------
def test_every_core_rule_is_registered_with_its_family():
    assert set(CORE) <= set(REGISTRY)
    for code, registered in REGISTRY.items():
        assert re.fullmatch(r"ND\d{3}", code) and registered.code == code
        assert f"{registered.family}xx" in netdoctor.rules.__doc__, "family missing from the table"
        assert get_rule(code) is registered and get_rule(registered.name) is registered


def test_codes_and_names_are_unique():
    names = [r.name for r in all_rules()]
    assert len(names) == len(set(names))
    with pytest.raises(ValueError, match="ND101 registered twice"):
        rule("ND101", "another-rule", Severity.INFO, "Duplicate.")(lambda rec, ctx: iter(()))
    assert REGISTRY["ND101"].name == "constant-weights"


@pytest.mark.parametrize("registered", all_rules(), ids=lambda r: r.code)
def test_rule_metadata_and_docstring(registered):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", registered.name)
    assert registered.summary and registered.summary.endswith(".")
    positions = [registered.doc.find(section) for section in SECTIONS]
    assert -1 not in positions and positions == sorted(positions), "sections missing or out of order"
    if registered.options:
        options_section = registered.doc.split("**Options.**", 1)[1]
        for option in registered.options:
            assert f"``{option}`` (default " in options_section, option


# ---- healthy and zero-initialized reference runs ---------------------------------------------
@pytest.mark.parametrize("code", CORE)
def test_silent_on_a_healthy_run(code):
    assert run(code, healthy_mlp()) == []


def test_zero_init_run_fires_the_init_gradient_activation_and_progress_rules():
    rec = zero_init_mlp()
    fired = {code for code in CORE if run(code, rec)}
    assert fired == {"ND101", "ND102", "ND203", "ND301", "ND401", "ND402"}


# ---- ND101 constant-weights ------------------------------------------------------------------
def test_nd101_zero_kernels_in_hidden_layers():
    findings = run("ND101", zero_init_mlp())
    assert len(findings) == 1 and findings[0].layers == tuple(["dense", "dense_1"])
    first = findings[0]
    assert first.severity is Severity.ERROR and first.step == 0
    assert "zero initialization" in first.message and "12,544 weights are 0" in first.message
    assert "he_normal" in first.fix and first.source == "model.py:10"


def test_nd101_constant_value_is_named():
    rec = healthy_mlp(layer_metrics={"dense_1": {"kernel_min": 0.5, "kernel_max": 0.5}})
    finding = only("ND101", rec)
    assert finding.layer == "dense_1" and "value 0.5" in finding.message


def test_nd101_ignores_a_zero_initialized_output_layer():
    rec = healthy_mlp(layer_metrics={"dense_2": {"kernel_min": 0.0, "kernel_max": 0.0, "kernel_std": 0.0}})
    assert rec.layer("dense_2").is_output
    assert run("ND101", rec) == []


# ---- ND102 symmetric-neurons -----------------------------------------------------------------
def test_nd102_units_identical_from_start_to_end():
    findings = run("ND102", zero_init_mlp())
    assert len(findings) == 1 and findings[0].layers == tuple(["dense", "dense_1"])
    assert findings[0].severity is Severity.ERROR and findings[0].step == 999
    assert "16 of 16 units (100%)" in findings[0].message


def test_nd102_silent_when_symmetry_is_broken_by_the_end():
    rec = healthy_mlp(layer_metrics={"dense": {"symmetric_fraction": series((1.0, 5), (0.0, 15))}})
    assert run("ND102", rec) == []


# ---- ND201 vanishing-gradients ---------------------------------------------------------------
SIGMOID_LAYERS = mlp_layers((784, 32, 32, 32, 32, 10), activation="sigmoid")
VANISHING = {
    "dense": {"grad_norm": 1e-7},
    "dense_1": {"grad_norm": 1e-6},
    "dense_2": {"grad_norm": 1e-5},
    "dense_3": {"grad_norm": 1e-3},
    "dense_4": {"grad_norm": 0.5},
}


def test_nd201_deep_sigmoid_net_that_does_not_learn():
    finding = only("ND201", make_recording(SIGMOID_LAYERS, layer_metrics=VANISHING, **NOT_LEARNING))
    assert finding.severity is Severity.ERROR and finding.layer == "dense"
    assert "`dense/kernel`" in finding.message and "20 of 20 samples" in finding.message
    assert "median 1e-07" in finding.message and "2e-07 x the last layer `dense_4`" in finding.message
    assert "Also vanishing: `dense_1` (median 1e-06), `dense_2` (median 1e-05)." in finding.message
    assert "`dense_3`" not in finding.message  # 1e-3 is above the absolute threshold
    assert "Replace sigmoid/tanh" in finding.fix and "he_normal" in finding.fix


def test_nd201_is_a_warning_when_the_model_learns():
    finding = only("ND201", make_recording(SIGMOID_LAYERS, layer_metrics=VANISHING))
    assert finding.severity is Severity.WARNING


@pytest.mark.parametrize(
    "early, last",
    [(5e-5, 1e-2), (1e-3, 10.0)],
    ids=["small-but-not-relative-to-last", "relatively-small-but-not-absolutely"],
)
def test_nd201_needs_both_the_absolute_and_the_relative_test(early, last):
    norms = {"dense": {"grad_norm": early}, "dense_1": {"grad_norm": early}, "dense_2": {"grad_norm": last}}
    rec = healthy_mlp(layer_metrics=norms, **NOT_LEARNING)
    assert run("ND201", rec) == []


def test_nd201_leaves_exactly_zero_gradients_to_nd203():
    zero = {"dense": {"grad_norm": 0.0}, "dense_1": {"grad_norm": 0.0}}
    rec = healthy_mlp(layer_metrics=zero, **NOT_LEARNING)
    assert run("ND201", rec) == []
    assert run("ND203", rec)[0].layers == tuple(["dense", "dense_1"])


def test_nd201_needs_most_samples_and_respects_options():
    brief = {"dense": {"grad_norm": series((1e-7, 10), (0.3, 10))}}
    assert run("ND201", healthy_mlp(layer_metrics=brief)) == []  # 10 of 20 is not most
    lasting = {"dense": {"grad_norm": series((1e-7, 11), (0.3, 9))}}
    assert only("ND201", healthy_mlp(layer_metrics=lasting)).layer == "dense"
    assert run("ND201", healthy_mlp(layer_metrics=lasting), max_norm=1e-8) == []


# ---- ND202 exploding-gradients ---------------------------------------------------------------
def test_nd202_gradients_that_keep_growing_while_the_loss_rises():
    growing = np.geomspace(0.5, 5e5, SAMPLES)
    rec = healthy_mlp(
        loss=(2.3, 9.0),
        layer_metrics={"dense": {"grad_norm": growing}, "dense_1": {"grad_norm": 2 * growing}},
    )
    finding = only("ND202", rec)
    assert finding.severity is Severity.ERROR and finding.layer == "dense_1"
    assert "`dense_1/kernel`" in finding.message and "reached 1e+06 at step 999" in finding.message
    assert "grew from 1 at step 0" in finding.message and "Also exploding: `dense`." in finding.message
    assert "clipnorm=1.0" in finding.fix


def test_nd202_single_large_norm_on_a_learning_run_is_a_warning():
    spike = series((0.5, 3), (5e3, 1), (0.5, 16))
    finding = only("ND202", healthy_mlp(layer_metrics={"dense": {"grad_norm": spike}}))
    assert finding.severity is Severity.WARNING and finding.layer == "dense"
    assert "reached 5e+03 at step 158 (expected < 1e+03)" in finding.message
    assert "grew" not in finding.message  # a spike is not sustained growth


def test_nd202_non_finite_gradient_norm():
    overflow = series((0.5, 14), (float("inf"), 6))
    finding = only("ND202", healthy_mlp(layer_metrics={"dense_1": {"grad_norm": overflow}}))
    assert finding.layer == "dense_1" and finding.step == 736
    assert "became non-finite at step 736" in finding.message


def test_nd202_silent_on_moderate_growth():
    rec = healthy_mlp(layer_metrics={"dense": {"grad_norm": np.geomspace(0.1, 50, SAMPLES)}})
    assert run("ND202", rec) == []


# ---- ND203 missing-gradients -----------------------------------------------------------------
def test_nd203_zero_gradients_from_zero_init_name_the_cause():
    raw = REGISTRY["ND203"].run(zero_init_mlp())
    assert [f.layer for f in raw] == ["dense", "dense_1", "dense_2"]
    hidden, output = raw[0], raw[2]
    assert "a gradient of exactly 0 at all 20 samples (steps 0-999) for `dense/kernel`, `dense/bias`" in hidden.message
    assert "ReLU passes no gradient at 0" in hidden.message and "zero initialization" in hidden.message
    assert "for `dense_2/kernel` in layer" in output.message and "dense_2/bias" not in output.message
    assert "he_normal" in hidden.fix
    merged = only("ND203", zero_init_mlp())
    assert merged.layers == ("dense", "dense_1", "dense_2") and "The same holds for `dense_1`, `dense_2`." in merged.message
    explained = next(f for f in diagnose(zero_init_mlp()).findings if f.code == "ND203")
    assert explained.explained_by == "ND101"  # a consequence of the zero initialization


def test_nd203_variable_without_gradient_is_an_error_even_on_a_learning_run():
    finding = only("ND203", healthy_mlp(missing_gradients=["dense_1/bias"]))
    assert finding.severity is Severity.ERROR and finding.layer == "dense_1"  # certain on its own
    assert "no gradient at all (None) for `dense_1/bias`" in finding.message
    assert "zero initialization" not in finding.message and "stop_gradient" in finding.fix


def test_nd203_silent_when_the_gradient_is_zero_only_sometimes():
    rec = healthy_mlp(layer_metrics={"dense": {"grad_norm": series((0.0, 19), (0.2, 1))}})
    assert run("ND203", rec) == []


def test_nd203_skips_frozen_layers():
    layers = [replace(layer, trainable=False) if layer.name == "dense" else layer for layer in mlp_layers()]
    zero = {"dense": {"grad_norm": 0.0}}
    rec = healthy_mlp(layers=layers, layer_metrics=zero, missing_gradients=["dense/bias"])
    assert run("ND203", rec) == []


# ---- ND301 dead-relu -------------------------------------------------------------------------
def test_nd301_units_that_die_during_a_learning_run():
    dying = series((0.1, 12), (0.75, 8))
    finding = only("ND301", healthy_mlp(layer_metrics={"dense": {"dead_fraction": dying}}))
    assert finding.severity is Severity.WARNING and finding.layer == "dense" and finding.step == 999
    assert "12 of 16 units (75%)" in finding.message and "dead since step 631" in finding.message
    assert "expected < 50%" in finding.message and finding.severity is Severity.WARNING
    assert finding.fix.startswith("Lower the learning rate") and "LeakyReLU" in finding.fix


def test_nd301_zero_init_layers_dead_from_the_start_defer_to_nd101():
    findings = run("ND301", zero_init_mlp())
    assert len(findings) == 1 and findings[0].layers == tuple(["dense", "dense_1"])
    assert "16 of 16 units (100%)" in findings[0].message and "(the first sample)" in findings[0].message
    assert "he_normal" in findings[0].fix
    dead = next(f for f in diagnose(zero_init_mlp()).findings if f.code == "ND301")
    assert dead.explained_by == "ND101"


def test_nd301_dead_layers_on_a_failing_run_with_random_init_are_errors():
    random_kernels = {"kernel_min": -0.1, "kernel_max": 0.1, "kernel_std": 0.05}
    rec = zero_init_mlp(
        layer_metrics={
            "dense": {**random_kernels, "dead_fraction": 1.0, "grad_norm": 0.0},
            "dense_1": {**random_kernels, "dead_fraction": 1.0, "grad_norm": 0.0},
            "dense_2": {**random_kernels, "grad_norm": 0.0},
        }
    )
    findings = run("ND301", rec)
    assert len(findings) == 1 and findings[0].layers == tuple(["dense", "dense_1"])
    assert all(f.severity is Severity.ERROR for f in findings)
    assert "ND101" not in findings[0].message


@pytest.mark.parametrize(
    "dead",
    [
        series((0.9, 15), (0.2, 5)),
        series((0.1, 19), (0.9, 1)),
        series((0.1, 15), (0.9, 2), (0.1, 2), (0.9, 1)),
    ],
    ids=["recovered", "only-the-last-sample", "not-most-of-the-last-third"],
)
def test_nd301_silent_unless_dead_for_most_of_the_end(dead):
    assert run("ND301", healthy_mlp(layer_metrics={"dense": {"dead_fraction": dead}})) == []


# ---- ND303 non-finite-values -----------------------------------------------------------------
def nan_loss_from(step: int, steps: int = 1000) -> np.ndarray:
    loss = np.linspace(2.3, 40.0, steps)
    loss[step:] = np.nan
    return loss


def test_nd303_loss_becomes_nan():
    finding = only("ND303", healthy_mlp(loss=nan_loss_from(400)))
    assert finding.severity is Severity.ERROR and finding.step == 400 and finding.layer is None
    assert "first appeared in the loss at step 400: the loss was nan, after 17.36 at step 399" in finding.message
    assert "clipnorm=1.0" in finding.fix


def test_nd303_reports_the_earliest_place_then_where_it_spread():
    events = [
        {"kind": "non_finite", "step": 400, "where": "gradients", "layer": "dense", "variable": "dense/kernel"},
        {"kind": "non_finite", "step": 399, "where": "activations", "layer": "dense", "variable": None},
        {"kind": "non_finite", "step": 398, "where": "weights", "layer": "dense_1", "variable": None},
    ]
    finding = only("ND303", healthy_mlp(loss=nan_loss_from(400), events=events))
    assert finding.step == 398 and finding.layer == "dense_1"
    assert finding.message.startswith("NaN/Inf first appeared in the weights of layer `dense_1` at step 398")
    # Within one step: activations, then loss, then gradients, then weights.
    assert (
        "then in the activations of layer `dense` at step 399, the loss at step 400, "
        "the gradients of `dense/kernel` at step 400." in finding.message
    )
    assert [e.step for e in finding.evidence] == [398, 399, 400, 400]


def test_nd303_non_finite_weights_seen_in_a_sample():
    flags = {"dense_2": {"nonfinite_kernel": series((0.0, 10), (1.0, 10))}}
    finding = only("ND303", healthy_mlp(layer_metrics=flags))
    assert finding.layer == "dense_2" and finding.step == 526
    assert "the weights of `dense_2/kernel` at step 526" in finding.message


# ---- ND401 loss-not-decreasing ---------------------------------------------------------------
def test_nd401_flat_loss():
    finding = only("ND401", zero_init_mlp(loss=np.full(1000, 2.3026)))
    assert finding.severity is Severity.ERROR
    assert "fell by only 0.0% over 1,000 steps: training loss 2.303 (mean of the first 10 steps) -> 2.303" in finding.message
    assert "at least 10%" in finding.message


def test_nd401_rising_loss_and_option():
    message = only("ND401", healthy_mlp(loss=np.linspace(1.0, 1.5, 1000))).message
    assert "rose over 1,000 steps: training loss 1.002 (mean of the first 10 steps) -> 1.475" in message
    assert run("ND401", healthy_mlp(loss=(1.0, 0.8))) == []
    assert only("ND401", healthy_mlp(loss=(1.0, 0.8)), min_relative_decrease=0.5).severity is Severity.ERROR


def test_nd401_leaves_a_nan_loss_to_nd303():
    assert run("ND401", healthy_mlp(loss=nan_loss_from(400))) == []


# ---- ND402 chance-accuracy -------------------------------------------------------------------
def test_nd402_test_accuracy_at_the_majority_class_rate():
    finding = only("ND402", zero_init_mlp())
    assert finding.severity is Severity.ERROR and finding.step == 1000
    assert f"held-out accuracy {0.1135:.3f} is no better than always predicting the most frequent class" in finding.message
    assert "(0.112 on the same data)" in finding.message and "above 0.201" in finding.message


def test_nd402_balanced_classes_without_evaluation_use_train_accuracy():
    rec = healthy_mlp(accuracy=(0.1, 0.12), test_accuracy=None, class_fractions=None)
    finding = only("ND402", rec)
    assert "training accuracy 0.120" in finding.message and "(0.100 on the same data)" in finding.message


def test_nd402_skips_regression_and_accepts_a_learning_classifier():
    regression = healthy_mlp(
        task="regression", num_classes=None, class_fractions=None, accuracy=None, test_accuracy=None
    )
    assert run("ND402", regression) == []
    one_output = healthy_mlp(task="regression", num_classes=1, class_fractions=None, test_accuracy=None)
    assert run("ND402", one_output) == []  # a chance level of 1/1 would make any accuracy "at chance"
    assert run("ND402", healthy_mlp(test_accuracy=0.25)) == []  # above 0.112 + 0.1 * 0.888


# ---- severity gating -------------------------------------------------------------------------
GATED = {
    "ND201": {"layer_metrics": {"dense": {"grad_norm": 1e-7}, "dense_1": {"grad_norm": 1e-7}}},
    "ND202": {"layer_metrics": {"dense": {"grad_norm": 5e3}}},
    "ND203": {"layer_metrics": {"dense": {"grad_norm": 0.0}}},
    "ND301": {"layer_metrics": {"dense_1": {"dead_fraction": 0.8}}},
}


@pytest.mark.parametrize("code", sorted(GATED))
def test_odd_statistics_are_errors_only_when_learning_failed(code):
    learning = only(code, healthy_mlp(**GATED[code]))
    failing = only(code, healthy_mlp(**GATED[code], **NOT_LEARNING))
    assert learning.severity is Severity.WARNING and failing.severity is Severity.ERROR
    assert REGISTRY[code].severity is Severity.ERROR


def test_init_fix_speaks_the_programs_api():
    assert "kernel_initializer='he_normal'" in run("ND101", zero_init_mlp())[0].fix
    tf1_fix = run("ND101", zero_init_mlp(meta={"api": "tf1"}))[0].fix
    assert "tf.truncated_normal([784, 16], stddev=0.0505)" in tf1_fix and "tf.zeros" in tf1_fix
