"""The rules for causes beyond the first catalog, on synthetic recordings: learning rates too
high and too low, gradients never applied or climbing, learning badly, too much dropout and
regularization, full batches, labels unrelated to the inputs, mismatched held-out data."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from netdoctor.findings import Severity
from netdoctor.recording import LayerInfo

from synthetic import NOT_LEARNING, healthy_mlp, make_recording, mlp_layers, only, run, series

REFERENCES = {
    "within": {"trivial_accuracy": 0.11, "trivial_loss": 2.30, "linear_accuracy": 0.82},
    "held_out": {"trivial_accuracy": 0.11, "trivial_loss": 2.30, "linear_accuracy": 0.81},
}
ADAM_01 = {"optimizer": "Adam(learning_rate=0.1)", "optimizer_kind": "Adam", "learning_rate": 0.1, "references": REFERENCES}


# ---- ND206 / ND207 learning rate -------------------------------------------------------------------
def test_nd206_huge_first_updates_and_units_killed_early_with_adam_at_01():
    rec = healthy_mlp(
        meta=ADAM_01,
        test_accuracy=0.37,
        layer_metrics={"dense": {"update_ratio": series((1.5, 5), (0.02, 15)), "dead_fraction": series((0.1, 2), (0.8, 18))}},
    )
    finding = only("ND206", rec)
    assert finding.severity is Severity.ERROR  # the run learns badly
    assert "too high for Adam(learning_rate=0.1), 100x its default of 0.001" in finding.message
    assert "by 1.5 of its size" in finding.message and "80% of the units of `dense` died" in finding.message
    assert "to 0.01" in finding.fix


def test_nd206_needs_more_than_the_rate_and_defers_to_unnormalized_inputs():
    assert run("ND206", healthy_mlp(meta=ADAM_01)) == []  # a high rate alone, nothing measured
    huge_start = {"layer_metrics": {"dense": {"update_ratio": series((1.5, 5), (0.02, 15))}}}
    sgd = {"optimizer_kind": "SGD", "learning_rate": 0.1, "references": REFERENCES}
    assert run("ND206", healthy_mlp(meta=sgd, **huge_start)) == []  # one sign, a usual SGD rate
    raw = {**sgd, "input_stats": {"min": 0.0, "max": 255.0, "mean": 33.0, "std": 78.0, "nonfinite": 0.0}}
    spiking = [2.3, 900.0, 400.0] + [2.3] * 997
    assert run("ND206", healthy_mlp(meta=raw, loss=spiking, **huge_start)) == []  # ND601's


def test_nd207_every_layer_barely_moving_names_the_rate():
    slow = {name: {"update_ratio": 2e-6} for name in ("dense", "dense_1", "dense_2")}
    meta = {"optimizer": "SGD(learning_rate=1e-05)", "optimizer_kind": "SGD", "learning_rate": 1e-5}
    finding = only("ND207", healthy_mlp(layer_metrics=slow, meta=meta, **NOT_LEARNING))
    assert finding.severity is Severity.ERROR and "1000x below its default of 0.01" in finding.message
    assert only("ND207", healthy_mlp(layer_metrics=slow, meta=meta)).severity is Severity.WARNING


# ---- ND208 / ND209 custom loops ----------------------------------------------------------------------
LOOP = {"mode": "script", "loop": "function", "gradient_calls": 300}


def test_nd208_gradients_computed_and_never_applied():
    updates = {"iterations": 300, "applied": 0, "by_optimizer": 0, "by_hand": 0, "variables_with_gradients": 4, "variables_updated": 0}
    finding = only("ND208", healthy_mlp(meta={**LOOP, "updates": updates}, **NOT_LEARNING))
    assert finding.severity is Severity.ERROR and "computed 300 times" in finding.message
    assert "apply_gradients" in finding.fix
    partly = {**updates, "applied": 300, "variables_updated": 2}
    assert "2 of the 4 variables" in only("ND208", healthy_mlp(meta={**LOOP, "updates": partly})).message
    assert run("ND208", healthy_mlp(meta={**LOOP, "updates": {**updates, "applied": 300, "variables_updated": 4}})) == []


def test_nd209_updates_along_the_gradient():
    climbing = {name: {"update_cosine": 1.0} for name in ("dense", "dense_1", "dense_2")}
    meta = {**LOOP, "updates": {"by_hand": 600, "assign_add": 600}}
    finding = only("ND209", healthy_mlp(layer_metrics=climbing, meta=meta, **NOT_LEARNING))
    assert "+1.00" in finding.message and "assign_add (600 calls)" in finding.message
    descending = {name: {"update_cosine": -0.98} for name in ("dense", "dense_1", "dense_2")}
    assert run("ND209", healthy_mlp(layer_metrics=descending, meta=meta)) == []


# ---- ND404 learns badly ------------------------------------------------------------------------------
def test_nd404_far_below_a_linear_model():
    finding = only("ND404", healthy_mlp(meta={"references": REFERENCES}, test_accuracy=0.37))
    assert finding.severity is Severity.ERROR
    assert "held-out accuracy is 0.370, where a linear model" in finding.message and "recovers 37%" in finding.message
    assert run("ND404", healthy_mlp(meta={"references": REFERENCES})) == []  # 0.9 beats the linear model


# ---- ND506 / ND507 / ND508 configuration ----------------------------------------------------------------
def with_dropout(rate: float) -> list[LayerInfo]:
    layers = mlp_layers()
    layers.insert(2, LayerInfo(name="dropout", kind="Dropout", dropout=rate, inbound=("dense",)))
    return layers


def test_nd506_dropout_that_leaves_too_little():
    finding = only("ND506", make_recording(with_dropout(0.9), **NOT_LEARNING))
    assert finding.severity is Severity.ERROR and "`dropout` drops 90%" in finding.message
    assert "let 0.1 of it through" in finding.message
    assert run("ND506", make_recording(with_dropout(0.5))) == []


def test_nd507_a_penalty_that_dominates_and_shrinks_the_weights():
    layers = [replace(layer, l2=0.5) if layer.has_kernel else layer for layer in mlp_layers()]
    shrinking = {"dense": {"kernel_std": np.geomspace(0.05, 1e-4, 20)}}
    rec = make_recording(layers, layer_metrics=shrinking, sample_fields={"regularization_loss": 2.0}, **NOT_LEARNING)
    finding = only("ND507", rec)
    assert "penalty is 86% of the loss" in finding.message and "shrank from std 0.05 to 0.0001" in finding.message
    assert "l2(0.5)" in finding.message and "l2(1e-4)" in finding.fix
    assert run("ND507", healthy_mlp(sample_fields={"regularization_loss": 0.01})) == []


def test_nd508_one_batch_per_epoch():
    finding = only("ND508", healthy_mlp(meta={"batch_size": 4000, "train_examples": 4000}, steps=5, **NOT_LEARNING))
    assert "batch size 4,000 for 4,000 examples" in finding.message and "5 steps in all" in finding.message
    assert run("ND508", healthy_mlp()) == []


# ---- ND604 / ND605 data ----------------------------------------------------------------------------
def test_nd604_labels_a_linear_model_cannot_predict_and_the_model_memorizes():
    unrelated = {"within": {"trivial_accuracy": 0.11, "linear_accuracy": 0.11}, "held_out": REFERENCES["held_out"]}
    rec = healthy_mlp(meta={"references": unrelated}, accuracy=(0.1, 0.4), test_accuracy=0.1)
    finding = only("ND604", rec)
    assert "labels look unrelated" in finding.message and "it memorizes" in finding.message
    assert "permutation" in finding.fix
    assert run("ND604", healthy_mlp(meta={"references": REFERENCES}, accuracy=(0.1, 0.4), test_accuracy=0.1)) == []


def test_nd605_held_out_inputs_on_another_scale():
    raw = {"min": 0.0, "max": 255.0, "mean": 33.0, "std": 78.0, "nonfinite": 0.0}
    rec = healthy_mlp(meta={"references": REFERENCES, "held_out_input_stats": raw}, accuracy=(0.1, 0.95), test_accuracy=0.1)
    finding = only("ND605", rec)
    assert finding.severity is Severity.ERROR
    assert "held-out inputs' std is 78 against 0.3088" in finding.message
    assert run("ND605", healthy_mlp(meta={"references": REFERENCES})) == []
