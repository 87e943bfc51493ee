"""Fault classes read from the model's configuration and the data's facts, on synthetic
recordings: frozen models, single-class and mispaired labels, a categorical cross-entropy over
one unit, softmax as a hidden activation, inputs rescaled by the model, an empty variable list,
a loss outside the tape; and how the judge orders the outcome and a second model's steps."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np

from netdoctor.findings import Severity
from netdoctor.interventions import for_finding
from netdoctor.judge import diagnose
from netdoctor.observe.core.batches import BatchRepeats, fingerprint
from netdoctor.observe.core.pairing import Pairing
from netdoctor.recording import LayerInfo, Recording, dumps

from synthetic import INPUT_LAYER, NOT_LEARNING, dense, healthy_mlp, mlp_layers, only, run

LOOP = {"mode": "script", "loop": "eager", "gradient_calls": 300}
REFERENCES = {
    "within": {"trivial_accuracy": 0.11, "trivial_loss": 2.30, "linear_accuracy": 0.82},
    "held_out": {"trivial_accuracy": 0.11, "trivial_loss": 2.30, "linear_accuracy": 0.81},
}


# ---- ND204: every layer frozen ------------------------------------------------------------------
def test_nd204_a_model_without_trainable_layers_is_an_error_whatever_the_outcome():
    frozen = [replace(layer, trainable=False) if layer.has_kernel else layer for layer in mlp_layers()]
    finding = only("ND204", healthy_mlp(layers=frozen))
    assert finding.severity is Severity.ERROR  # certain: the healthy curves do not gate it
    assert "every layer with weights is frozen" in finding.message and "`dense_2`" in finding.message
    assert "trainable" in finding.fix
    partly = [replace(layer, trainable=False) if layer.name == "dense" else layer for layer in mlp_layers()]
    assert run("ND204", healthy_mlp(layers=partly)) == []  # a frozen backbone is normal


# ---- ND604: labels of one class, labels that do not follow their images ----------------------------
def test_nd604_labels_of_a_single_class_say_nothing():
    one = {"within": {"trivial_accuracy": 1.0, "trivial_loss": 0.0, "linear_accuracy": 1.0}}
    rec = healthy_mlp(task="binary", num_classes=2, class_fractions=[1.0], test_accuracy=1.0, meta={"references": one})
    finding = only("ND604", rec)
    assert finding.severity is Severity.ERROR
    assert "every label of the 4,000 training examples is class 0" in finding.message
    assert run("ND604", healthy_mlp(task="binary", num_classes=2, class_fractions=[0.6, 0.4], meta={"references": REFERENCES})) == []


def test_nd604_mispaired_labels_found_by_looking_the_pairs_up():
    pairing = {"checked": 2000, "found": 2000, "consistency": 0.03}
    finding = only("ND604", healthy_mlp(meta={"references": REFERENCES, "label_pairing": pairing}, **NOT_LEARNING))
    assert "do not belong to their images" in finding.message and "0.03" in finding.message
    assert "one permutation" in finding.fix
    paired = {**pairing, "consistency": 1.0}
    assert run("ND604", healthy_mlp(meta={"references": REFERENCES, "label_pairing": paired})) == []


def test_nd604_a_majority_predictor_on_imbalanced_labels_memorizes_nothing():
    imbalanced = {
        "within": {"trivial_accuracy": 0.978, "trivial_loss": 0.11, "linear_accuracy": 0.978},
        "held_out": {"trivial_accuracy": 0.99, "trivial_loss": 0.056, "linear_accuracy": 0.99},
    }
    rec = healthy_mlp(
        task="binary", num_classes=2, class_fractions=[0.99, 0.01], meta={"references": imbalanced},
        loss=(0.43, 0.05), accuracy=(0.95, 0.99), test_accuracy=0.99,
    )  # fmt: skip
    assert run("ND604", rec) == []
    report = diagnose(rec)
    assert report.root_causes[0].code == "ND402"  # a classifier's outcome is read from its accuracy


def test_pairing_measures_how_far_labels_follow_the_served_ones():
    rng = np.random.default_rng(0)
    images = (rng.random((600, 28, 28)) * 255).astype(np.uint8)
    labels = rng.integers(0, 10, 600)
    scaled = images.reshape(600, 784).astype(np.float32) / 255  # the program scales and flattens

    def consistency(x: np.ndarray, y: np.ndarray) -> float | None:
        pairing = Pairing()
        pairing.serve(images, labels)
        pairing.check(x, y)
        facts = pairing.facts()
        return None if facts is None else facts["consistency"]

    assert consistency(scaled, np.eye(10)[labels]) == 1.0
    assert consistency(scaled, (labels == 5).astype(float)) == 1.0  # a binary task derived from the digits
    assert consistency(scaled, rng.permutation(labels)) < 0.2
    assert consistency(rng.random((300, 784)), labels[:300]) is None  # other data: no verdict


def test_pairing_scores_the_programs_predictions_on_the_served_held_out_images():
    rng = np.random.default_rng(0)
    train = (rng.random((600, 28, 28)) * 255).astype(np.uint8)
    train_labels = rng.integers(0, 10, 600)
    test = (rng.random((300, 28, 28)) * 255).astype(np.uint8)
    test_labels = rng.integers(0, 10, 300)
    pairing = Pairing()
    pairing.serve(train, train_labels)
    pairing.serve_held_out(test, test_labels)
    pairing.check(train.reshape(600, 784) / 255, (train_labels == 5).astype(float))  # "is it a 5?"
    x_test = test.reshape(300, 784).astype(np.float32) / 255
    right = (test_labels == 5).astype(float)[:, None]
    assert pairing.held_out_labels(x_test[:50]) is None  # too few to be the held-out set
    assert pairing.held_out_labels(train.reshape(600, 784)[:300] / 255) is None  # training images
    assert pairing.evaluation is None
    labels = pairing.held_out_labels(x_test)
    assert np.array_equal(labels, (test_labels == 5).astype(int))  # the program's labels, not the digits
    pairing.score(labels, right)  # one sigmoid unit, right everywhere
    assert pairing.evaluation == {"accuracy": 1.0, "evaluated": 300}
    pairing.score(labels, np.hstack([right, 1 - right]))  # two units, the wrong way round
    assert pairing.evaluation["accuracy"] == 0.0


def test_nd606_one_batch_at_every_sampled_step():
    loop = {**LOOP, "served_examples": 4000, "batch_size": 64}
    finding = only("ND606", healthy_mlp(meta={**loop, "sampled_batches": {"sampled": 12, "distinct": 1, "batch": 64}}))
    assert finding.severity is Severity.ERROR  # certain: the healthy curves of those 64 do not gate it
    assert "the 12 sampled steps all trained on one batch of 64 examples, of the 4,000" in finding.message
    moving = {"sampled": 12, "distinct": 12, "batch": 64}
    assert run("ND606", healthy_mlp(meta={**loop, "sampled_batches": moving})) == []
    whole = {"sampled": 12, "distinct": 1, "batch": 4000}  # full-batch descent on all of it
    assert run("ND606", healthy_mlp(meta={**loop, "sampled_batches": whole})) == []
    own_data = {**LOOP, "sampled_batches": {"sampled": 12, "distinct": 1, "batch": 64}}  # size unknown
    assert run("ND606", healthy_mlp(meta=own_data)) == []


def test_batch_fingerprints_tell_one_batch_from_many():
    rng = np.random.default_rng(0)
    one, many = BatchRepeats(), BatchRepeats()
    batch = rng.random((32, 784))
    for _ in range(6):
        one.see(fingerprint(batch))
        many.see(fingerprint(rng.random((32, 784))))
    assert one.facts() == {"sampled": 6, "distinct": 1, "batch": 32}
    assert many.facts()["distinct"] == 6
    few = BatchRepeats()
    few.see(fingerprint(batch))
    assert few.facts() is None  # too few sampled steps for a verdict


# ---- ND503: categorical cross-entropy over one unit --------------------------------------------------
def test_nd503_categorical_crossentropy_over_one_unit_is_always_zero():
    layers = [INPUT_LAYER, dense("dense", 2, 16), dense("dense_1", 16, 1, "sigmoid", is_output=True)]
    meta = {"loss": "categorical_crossentropy", "output_activation": "sigmoid", "task": "binary"}
    finding = only("ND503", healthy_mlp(layers=layers, meta=meta, num_classes=2, class_fractions=[0.5, 0.5]))
    assert finding.severity is Severity.ERROR and "always 1.0, so the loss is 0" in finding.message
    assert "binary_crossentropy" in finding.fix
    binary = {**meta, "loss": "binary_crossentropy"}
    assert run("ND503", healthy_mlp(layers=layers, meta=binary, num_classes=2, class_fractions=[0.5, 0.5])) == []


# ---- ND302: softmax as a hidden activation -------------------------------------------------------------
def test_nd302_softmax_in_hidden_layers():
    layers = mlp_layers(activation="softmax")
    measured = {"layer_metrics": {"dense": {"saturated_fraction": 0.0}}}
    finding = only("ND302", healthy_mlp(layers=layers, **measured, **NOT_LEARNING))
    assert finding.severity is Severity.ERROR
    assert "layers `dense`, `dense_1` apply softmax as a hidden activation" in finding.message
    assert "about 1/16" in finding.message
    assert only("ND302", healthy_mlp(layers=layers, **measured)).severity is Severity.WARNING  # the run learns
    assert run("ND302", healthy_mlp(**measured)) == []  # a softmax output is what a classifier has


# ---- ND601: inputs as the first weighted layer receives them ---------------------------------------------
def _rescaled(scale: float) -> list[LayerInfo]:
    rescaling = LayerInfo(name="rescaling", kind="Rescaling", rescale=(scale, 0.0), feeds_trainable=True)
    return [INPUT_LAYER, rescaling, *mlp_layers()[1:]]


def test_nd601_reads_the_inputs_after_the_models_rescaling():
    unit = {"min": 0.0, "max": 1.0, "mean": 0.13, "std": 0.31, "nonfinite": 0.0}
    finding = only("ND601", healthy_mlp(layers=_rescaled(1 / 255), meta={"input_stats": unit}, **NOT_LEARNING))
    assert "after the model's `rescaling` (x 0.003922)" in finding.message
    assert "range from 0 to 0.003922" in finding.message
    pixels = {"min": 0.0, "max": 255.0, "mean": 33.3, "std": 78.6, "nonfinite": 0.0}
    assert run("ND601", healthy_mlp(layers=_rescaled(1 / 255), meta={"input_stats": pixels})) == []
    normalized = [INPUT_LAYER, LayerInfo(name="normalization", kind="Normalization"), *mlp_layers()[1:]]
    assert run("ND601", healthy_mlp(layers=normalized, meta={"input_stats": pixels})) == []
    assert only("ND601", healthy_mlp(meta={"input_stats": pixels}, **NOT_LEARNING))  # no layer scales them


# ---- custom loops: an empty variable list, a loss outside the tape --------------------------------------
def test_nd208_gradients_of_an_empty_variable_list():
    updates = {"iterations": 300, "applied": 0, "by_optimizer": 0, "by_hand": 0, "variables_with_gradients": 0, "variables_updated": 0}
    finding = only("ND208", healthy_mlp(meta={**LOOP, "updates": updates, "variables": []}, **NOT_LEARNING))
    assert "with respect to an empty list of variables" in finding.message
    assert "Build the model before reading its variables" in finding.fix


def test_every_gradient_none_in_a_loop_is_the_loss_outside_the_tape():
    updates = {"iterations": 1, "applied": 0, "by_optimizer": 0, "by_hand": 0, "variables_with_gradients": 0, "variables_updated": 0}
    missing = [f"{layer}/{role}" for layer in ("dense", "dense_1", "dense_2") for role in ("kernel", "bias")]
    rec = healthy_mlp(meta={**LOOP, "updates": updates}, missing_gradients=missing, **NOT_LEARNING)
    assert run("ND208", rec) == []  # ND203 says why nothing was applied
    finding = only("ND203", rec)
    assert "none of the 6 trained variables gets a gradient" in finding.message
    assert "inside the tape's block" in finding.fix


# ---- ND701: variables made once an epoch ----------------------------------------------------------------
def test_nd701_a_metric_made_once_an_epoch_is_not_growth():
    per_epoch = [{"kind": "variables_created", "step": step, "count": 2} for step in range(62, 504, 63)]
    assert run("ND701", healthy_mlp(events=per_epoch)) == []
    per_step = [{"kind": "variables_created", "step": step, "count": 2} for step in range(1, 40)]
    assert "new variables are created while training runs" in only("ND701", healthy_mlp(events=per_step)).message


# ---- a second model's fit: the recording judges the last one ------------------------------------------------
def test_a_stage_record_leaves_the_earlier_models_steps_out():
    first = healthy_mlp()
    records = [json.loads(dumps(r)) for r in first.records if r.get("type") != "end"]
    records += [
        {"type": "stage", "step": 1000},
        {"type": "train", "start": 1000, "loss": [4.1] * 200, "accuracy": [0.1] * 200},
        {"type": "sample", "step": 1000, "layers": {}, "variables": {}},
        {"type": "eval", "step": 1199, "loss": 4.1, "accuracy": 0.1},
        {"type": "end", "steps": 1200, "duration_s": 3.0},
    ]
    rec = Recording.from_records(records)
    assert rec.steps == 200 and rec.train_loss.size == 200 and rec.earlier_steps == 1000
    assert [s["step"] for s in rec.samples] == [0] and rec.evals[0]["step"] == 199
    assert "ND403" not in {f.code for f in diagnose(rec).findings}  # the switch is no divergence


# ---- round 3's fault classes ------------------------------------------------------------------------
def test_nd503_binary_crossentropy_over_one_unit_on_three_classes():
    layers = [INPUT_LAYER, dense("dense", 4, 16), dense("dense_1", 16, 1, "sigmoid", is_output=True)]
    meta = {"loss": "binary_crossentropy", "output_activation": "sigmoid", "task": "binary"}
    rec = healthy_mlp(layers=layers, meta=meta, num_classes=2, class_fractions=[1 / 3] * 3, loss=(0.8, -35.0))
    finding = next(f for f in run("ND503", rec) if "labels hold 3 classes" in f.message)
    assert finding.severity is Severity.ERROR and "below 0" in finding.message
    assert "Dense(3, activation='softmax')" in finding.fix


def test_nd603_nan_regression_targets():
    targets = {"min": -3.6, "max": 3.2, "mean": 0.0, "std": 1.0, "nonfinite": 64.0}
    rec = healthy_mlp(task="regression", num_classes=None, class_fractions=None, meta={"target_stats": targets, "loss": "mean_squared_error"})
    assert "the training labels hold 64 NaN/Inf values" in only("ND603", rec).message


def test_nd206_momentum_multiplies_the_step_of_sgd():
    dying = {"dense": {"dead_fraction": [0.0, 0.0, 0.6] + [0.8] * 17}}
    sgd = {"optimizer": "SGD(learning_rate=0.1)", "optimizer_kind": "SGD", "learning_rate": 0.1, "references": REFERENCES}
    assert run("ND206", healthy_mlp(meta=sgd, layer_metrics=dying, **NOT_LEARNING)) == []  # one sign, a usual rate
    finding = only("ND206", healthy_mlp(meta={**sgd, "momentum": 0.99}, layer_metrics=dying, **NOT_LEARNING))
    assert "with momentum 0.99 its steps add up to learning_rate / (1 - momentum) = 10" in finding.message


def test_nd210_adam_betas_that_leave_its_steps_unbounded():
    adam = {"optimizer": "Adam(learning_rate=0.001)", "optimizer_kind": "Adam", "learning_rate": 1e-3, "references": REFERENCES}
    swapped = healthy_mlp(meta={**adam, "adam_betas": [0.999, 0.9]}, **NOT_LEARNING)
    finding = only("ND210", swapped)
    assert finding.severity is Severity.ERROR and "beta_1=0.999 and beta_2=0.9 (the two look swapped)" in finding.message
    assert "beta_1=0.9" in finding.fix
    assert diagnose(swapped).root_causes[0].code == "ND210"
    assert only("ND210", healthy_mlp(meta={**adam, "adam_betas": [0.999, 0.9]})).severity is Severity.WARNING  # it learns
    for betas in ([0.9, 0.999], [0.5, 0.999], [0.9, 0.99], [0.0, 0.9]):  # the defaults, GANs', a shorter memory
        assert run("ND210", healthy_mlp(meta={**adam, "adam_betas": betas}, **NOT_LEARNING)) == []


def test_nd209_a_hand_written_loss_that_starts_below_zero_is_minimized_the_wrong_way():
    loop = {"mode": "script", "loop": "function", "gradient_calls": 450, "loss": None, "observed": ["update_cosine"]}
    finding = only("ND209", healthy_mlp(meta=loop, loss=(-0.63, -15.6), accuracy=None))
    assert "below 0 from the first steps" in finding.message and "-tf.reduce_mean" in finding.fix
    assert run("ND209", healthy_mlp(meta=loop, loss=(1.2, 0.1), accuracy=None)) == []


def test_nd208_many_forward_passes_for_each_gradient():
    updates = {"iterations": 6, "applied": 6, "by_optimizer": 6, "by_hand": 0, "variables_with_gradients": 6, "variables_updated": 6, "training_passes": 378}
    finding = only("ND208", healthy_mlp(meta={**LOOP, "gradient_calls": 6, "updates": updates}, **NOT_LEARNING))
    assert "378 forward passes in training mode but the loop computed gradients only 6 times" in finding.message
    one_each = {**updates, "iterations": 300, "applied": 300, "training_passes": 300}
    assert run("ND208", healthy_mlp(meta={**LOOP, "updates": one_each})) == []


def test_nd104_leaves_a_weighted_loss_alone():
    high_start = {"loss": [9.0] + [0.4] * 999}
    rec = healthy_mlp(task="binary", num_classes=2, class_fractions=[0.9, 0.1], meta={"loss": "binary_crossentropy"}, **high_start)
    assert only("ND104", rec)
    weighted = healthy_mlp(task="binary", num_classes=2, class_fractions=[0.9, 0.1], meta={"loss": "binary_crossentropy", "weighted_loss": True}, **high_start)
    assert run("ND104", weighted) == []


def test_fixes_that_cannot_repair_these_faults_are_not_tried():
    unit = {"min": 0.0, "max": 1.0, "mean": 0.13, "std": 0.31, "nonfinite": 0.0}
    rec = healthy_mlp(layers=_rescaled(1 / 255), meta={"input_stats": unit}, **NOT_LEARNING)
    reason = for_finding(only("ND601", rec), rec)
    assert isinstance(reason, str) and "the model rescales its inputs itself (`rescaling`)" in reason
    updates = {"iterations": 6, "applied": 6, "by_optimizer": 6, "by_hand": 0, "variables_with_gradients": 6, "variables_updated": 6, "training_passes": 378}
    loop = healthy_mlp(meta={**LOOP, "gradient_calls": 6, "updates": updates}, **NOT_LEARNING)
    reason = for_finding(only("ND208", loop), loop)
    assert isinstance(reason, str) and "never uses" in reason


def _regression(held_out_trivial: float, held_out_loss: float, train_end: float = 0.3) -> Recording:
    references = {"within": {"trivial_loss": 1.0, "linear_loss": 0.5}, "held_out": {"trivial_loss": held_out_trivial, "linear_loss": 0.5 * held_out_trivial}}
    meta = {"loss": "mean_squared_error", "output_activation": "linear", "references": references}
    rec = healthy_mlp(task="regression", num_classes=None, class_fractions=None, meta=meta, loss=(1.0, train_end), accuracy=None, test_accuracy=None)
    records = [json.loads(dumps(r)) for r in rec.records if r.get("type") != "end"]
    records += [{"type": "eval", "step": 999, "loss": held_out_loss}, {"type": "end", "steps": 1000, "duration_s": 3.0}]
    return Recording.from_records(records)


def test_nd605_regression_targets_scaled_for_training_only():
    finding = only("ND605", _regression(held_out_trivial=3.06e4, held_out_loss=3.04e4))
    assert finding.severity is Severity.ERROR
    assert "predicting the mean costs 3.06e+04 on the held-out targets but 1 on the training targets" in finding.message
    assert run("ND605", _regression(held_out_trivial=1.1, held_out_loss=1.2)) == []  # same scale: it may just overfit
    assert run("ND605", _regression(held_out_trivial=3.06e4, held_out_loss=3.0e3)) == []  # it learns the held-out data
