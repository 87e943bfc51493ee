"""The catalog rules beyond the core (ND103-ND104, ND204-ND205, ND302, ND403, ND5xx, ND6xx, ND703)
on synthetic recordings: each fires on its bad pattern, stays silent on healthy runs, and is an
error only where the run fails to learn or the defect is certain on its own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from netdoctor.findings import Severity
from netdoctor.recording import LayerInfo, Recording
from netdoctor.rules import REGISTRY

from synthetic import (
    INPUT_LAYER,
    NOT_LEARNING,
    dense,
    healthy_mlp,
    make_recording,
    mlp_layers,
    only,
    run,
    series,
    zero_init_mlp,
)

CATALOG = [
    "ND103", "ND104", "ND204", "ND205", "ND302", "ND403", "ND501", "ND502", "ND503", "ND504",
    "ND505", "ND601", "ND602", "ND603", "ND703",
]
STEPS = np.linspace(0, 999, 20).round()  # make_recording's sampled steps
REGRESSION = {
    "task": "regression", "num_classes": None, "class_fractions": None, "accuracy": None,
    "test_accuracy": None, "loss": (1.0, 0.05),
}
REGRESSION_META = {
    "loss": "mean_squared_error", "from_logits": None, "output_activation": "linear",
    "labels": {"given": "values", "stats": {"min": -2.9, "max": 3.1, "mean": 0.0, "std": 1.0, "nonfinite": 0.0}},
}


def regression_mlp(**overrides) -> Recording:
    """A 8-16-1 MLP regression that learns: MSE 1.0 -> 0.05 on standardized targets."""
    layers = [INPUT_LAYER, dense("dense", 8, 16), dense("dense_1", 16, 1, "linear", is_output=True, inbound=("dense",))]
    meta = {**REGRESSION_META, **overrides.pop("meta", {})}
    return make_recording(layers, meta=meta, **{**REGRESSION, **overrides})


def binary_mlp(output: str = "sigmoid", **overrides) -> Recording:
    """A 8-16-1 binary classifier: loss 0.69 -> 0.1, accuracy 0.5 -> 0.97."""
    layers = [INPUT_LAYER, dense("dense", 8, 16), dense("dense_1", 16, 1, output, is_output=True, inbound=("dense",))]
    meta = {"loss": "binary_crossentropy", "output_activation": output, "labels": [0.0, 1.0], **overrides.pop("meta", {})}
    settings = {
        "task": "binary", "num_classes": 2, "class_fractions": [0.5, 0.5], "loss": (0.69, 0.1),
        "accuracy": (0.5, 0.97), "test_accuracy": 0.96, **overrides,
    }
    return make_recording(layers, meta=meta, **settings)


def layer_after(name: str, kind: str, source: str, activation: str | None = None) -> LayerInfo:
    return LayerInfo(name=name, kind=kind, activation=activation, inbound=(source,))


# ---- every rule ------------------------------------------------------------------------------
@pytest.mark.parametrize("code", CATALOG)
def test_silent_on_healthy_runs(code):
    assert run(code, healthy_mlp()) == []
    assert run(code, regression_mlp()) == []
    assert run(code, binary_mlp()) == []


@pytest.mark.parametrize("code", CATALOG)
def test_silent_on_zero_init_whose_consequences_belong_to_nd101(code):
    assert run(code, zero_init_mlp()) == []


# ---- ND103 weight-scale ----------------------------------------------------------------------
def test_nd103_kernel_far_larger_than_he_scale():
    rec = healthy_mlp(layer_metrics={"dense": {"kernel_std": 1.0, "kernel_min": -4.0, "kernel_max": 4.0}})
    finding = only("ND103", rec)
    assert finding.severity is Severity.WARNING and finding.layer == "dense" and finding.step == 0
    assert "std 1, 20x larger than the 0.036-0.051" in finding.message
    assert "fan-in 784 and fan-out 16" in finding.message and finding.severity is Severity.WARNING
    assert "he_normal" in finding.fix and finding.source == "model.py:10"


def test_nd103_tiny_hidden_kernels_on_a_failing_run():
    tiny = {"kernel_std": 1e-4, "kernel_min": -4e-4, "kernel_max": 4e-4}
    rec = healthy_mlp(layer_metrics={"dense": tiny, "dense_1": tiny}, **NOT_LEARNING)
    finding = only("ND103", rec)
    assert finding.severity is Severity.ERROR and finding.layer == "dense_1"  # furthest off first
    assert "smaller than the 0.25-0.35" in finding.message
    assert "Also off: `dense` (std 0.0001, 357x smaller)." in finding.message
    assert [e.layer for e in finding.evidence] == ["dense_1", "dense"]


def test_nd103_skips_a_small_output_layer_a_normalized_layer_and_honours_the_factor():
    tiny = {"kernel_std": 1e-4, "kernel_min": -4e-4, "kernel_max": 4e-4}
    assert run("ND103", healthy_mlp(layer_metrics={"dense_2": tiny})) == []
    layers = mlp_layers()
    layers.insert(2, layer_after("batch_normalization", "BatchNormalization", "dense"))
    assert run("ND103", healthy_mlp(layers=layers, layer_metrics={"dense": tiny})) == []
    large = {"dense": {"kernel_std": 1.0, "kernel_min": -4.0, "kernel_max": 4.0}}
    assert run("ND103", healthy_mlp(layer_metrics=large), max_factor=30) == []


# ---- ND104 initial-loss ----------------------------------------------------------------------
def first_loss(value: float, end: float = 0.3) -> np.ndarray:
    loss = np.linspace(2.3, end, 1000)
    loss[0] = value
    return loss


def test_nd104_first_loss_far_above_ln_c():
    finding = only("ND104", healthy_mlp(loss=first_loss(17.4)))
    assert finding.severity is Severity.WARNING and finding.step == 0
    assert "first training loss is 17.4, 7.6x the 2.303 (ln 10)" in finding.message
    assert "expected below 6.91 (3x)" in finding.message and "glorot_uniform" in finding.fix
    failing = only("ND104", healthy_mlp(loss=first_loss(17.4, end=2.3), accuracy=(0.1, 0.11), test_accuracy=0.11))
    assert failing.severity is Severity.ERROR


def test_nd104_binary_uses_ln_2_and_ignores_low_or_regression_losses():
    finding = only("ND104", binary_mlp(loss=np.r_[3.0, np.linspace(0.69, 0.1, 999)]))
    assert "(ln 2) of a 2-class classifier" in finding.message
    assert run("ND104", healthy_mlp(loss=first_loss(0.4))) == []  # a pretrained model starts low
    assert run("ND104", regression_mlp(loss=np.r_[50.0, np.linspace(1.0, 0.05, 999)])) == []
    assert run("ND104", healthy_mlp(loss=first_loss(17.4)), max_ratio=10) == []


# ---- ND204 frozen-weights --------------------------------------------------------------------
FROZEN = {"update_norm": series((0.05, 8), (0.0, 12)), "update_ratio": series((1e-3, 8), (0.0, 12))}


def test_nd204_every_layer_frozen_by_the_learning_rate():
    rec = healthy_mlp(layer_metrics={name: FROZEN for name in ("dense", "dense_1", "dense_2")}, **NOT_LEARNING)
    finding = only("ND204", rec)
    since = int(STEPS[8])
    assert finding.severity is Severity.ERROR and finding.layer == "dense" and finding.step == since
    assert f"`dense/kernel`) have not changed since step {since}, through step 999" in finding.message
    assert "Also frozen: `dense_1`, `dense_2`." in finding.message
    assert "Every trainable layer is frozen" in finding.message and "Adam(learning_rate=0.001)" in finding.message
    assert "decay_steps" in finding.fix and "trainable = False" in finding.fix


def test_nd204_one_layer_held_in_place_on_a_learning_run():
    finding = only("ND204", healthy_mlp(layer_metrics={"dense_1": FROZEN}))
    assert finding.severity is Severity.WARNING and finding.layer == "dense_1"
    assert "Other layers still train" in finding.message


@pytest.mark.parametrize(
    "metrics",
    [
        {**FROZEN, "grad_norm": 0.0},
        {"update_norm": series((0.05, 16), (0.0, 4))},
        {"update_norm": series((0.0, 10), (0.05, 1), (0.0, 9))},
    ],
    ids=["no-gradient-either", "frozen-for-the-last-fifth", "moved-in-the-middle"],
)
def test_nd204_silent_without_gradient_or_a_long_frozen_stretch(metrics):
    assert run("ND204", healthy_mlp(layer_metrics={"dense": metrics})) == []


# ---- ND205 update-ratio ----------------------------------------------------------------------
def test_nd205_every_layer_barely_moves():
    slow = {name: {"update_ratio": 1e-6} for name in ("dense", "dense_1", "dense_2")}
    finding = only("ND205", healthy_mlp(layer_metrics=slow, **NOT_LEARNING))
    assert finding.severity is Severity.ERROR and finding.layer == "dense"
    assert "barely move: the median update ratio ||dW||/||W|| from step 105 on is 1e-06 for `dense`" in finding.message
    assert "expected 1e-05 to 0.1" in finding.message and "Raise the learning rate" in finding.fix
    assert only("ND205", healthy_mlp(layer_metrics=slow)).severity is Severity.WARNING


def test_nd205_one_layer_thrown_around():
    finding = only("ND205", healthy_mlp(layer_metrics={"dense_1": {"update_ratio": 0.5}}))
    assert finding.layer == "dense_1" and "thrown around" in finding.message
    assert "changes `dense_1` by 50% of its size" in finding.message and "clipnorm" in finding.fix


@pytest.mark.parametrize(
    "metrics",
    [
        {"dense": {"update_ratio": 1e-7}},  # one slow layer (vanishing gradients) is not the learning rate
        {"dense": {"update_ratio": series((0.5, 2), (1e-3, 18))}},  # large only in the warmup
        {name: {"update_ratio": 0.0} for name in ("dense", "dense_1", "dense_2")},  # frozen: ND204
    ],
    ids=["one-slow-layer", "warmup-only", "exactly-zero"],
)
def test_nd205_silent_cases(metrics):
    assert run("ND205", healthy_mlp(layer_metrics=metrics)) == []


# ---- ND302 saturated-activations -------------------------------------------------------------
TANH_LAYERS = mlp_layers((784, 64, 64, 10), activation="tanh")


def test_nd302_saturated_from_the_start():
    rec = make_recording(TANH_LAYERS, layer_metrics={"dense": {"saturated_fraction": 0.62}}, **NOT_LEARNING)
    finding = only("ND302", rec)
    assert finding.severity is Severity.ERROR and finding.layer == "dense" and finding.step == 999
    assert "40 of 64 units (62%) of layer `dense` (tanh) are saturated" in finding.message
    assert "since step 0 (the first sample)" in finding.message and "glorot_uniform" in finding.fix


def test_nd302_saturating_during_a_learning_run():
    rec = make_recording(TANH_LAYERS, layer_metrics={"dense_1": {"saturated_fraction": series((0.1, 10), (0.9, 10))}})
    finding = only("ND302", rec)
    assert finding.severity is Severity.WARNING and finding.fix.startswith("Lower the learning rate")
    assert f"since step {int(STEPS[10])}" in finding.message


def test_nd302_skips_the_output_layer_and_recovered_layers():
    saturated_output = make_recording(TANH_LAYERS, layer_metrics={"dense_2": {"saturated_fraction": 1.0}})
    assert run("ND302", saturated_output) == []
    recovered = make_recording(TANH_LAYERS, layer_metrics={"dense": {"saturated_fraction": series((0.9, 14), (0.2, 6))}})
    assert run("ND302", recovered) == []


# ---- ND403 diverging-loss --------------------------------------------------------------------
def test_nd403_loss_climbs_to_huge_values():
    finding = only("ND403", healthy_mlp(loss=np.geomspace(6.6, 1e7, 1000), accuracy=None, test_accuracy=None))
    assert finding.severity is Severity.ERROR and finding.step == 999
    assert "diverges: it rose from a median of" in finding.message and "over steps 900-999" in finding.message
    assert "its swings grew" in finding.message and "Lower the learning rate" in finding.fix


def test_nd403_loss_rises_again_after_falling():
    loss = np.r_[np.linspace(2.3, 0.3, 500), np.linspace(0.3, 1.2, 500)]
    finding = only("ND403", healthy_mlp(loss=loss))
    assert finding.severity is Severity.WARNING  # still well below the start: the model learned
    assert "rose from a median of 0.3" in finding.message and "swings" not in finding.message


def test_nd403_oscillation_with_growing_amplitude():
    steps = np.arange(1000)
    loss = 1.0 + np.linspace(0.01, 0.9, 1000) * np.sin(steps * 2.0)
    finding = only("ND403", healthy_mlp(loss=loss))
    assert "its swings grew" in finding.message and "rose" not in finding.message


def test_nd403_reads_the_loss_up_to_its_first_nan():
    loss = np.geomspace(2.3, 1e30, 1000)
    loss[600:] = np.nan
    finding = only("ND403", healthy_mlp(loss=loss))
    assert "It became non-finite at step 600 (see ND303)." in finding.message and finding.step == 599


@pytest.mark.parametrize(
    "loss",
    [
        np.r_[np.linspace(2.3, 0.02, 500), 0.02 + 0.02 * np.abs(np.sin(np.arange(500)))],
        np.r_[2.3, 9.0, np.full(38, 2.3)],
    ],
    ids=["wiggles-near-zero", "too-short"],
)
def test_nd403_silent_cases(loss):
    assert run("ND403", healthy_mlp(loss=loss, steps=loss.size)) == []


# ---- ND501 double-softmax --------------------------------------------------------------------
def test_nd501_softmax_fed_to_from_logits_is_a_warning_even_on_a_failing_run():
    finding = only("ND501", healthy_mlp(meta={"from_logits": True}, **NOT_LEARNING))
    assert finding.severity is Severity.WARNING and finding.layer == "dense_2"
    assert "applies softmax, and the loss sparse_categorical_crossentropy is set to from_logits=True" in finding.message
    assert "Keras 3 notices" in finding.message and "SparseCategoricalCrossentropy()" in finding.fix


def test_nd501_sigmoid_fed_to_from_logits():
    finding = only("ND501", binary_mlp(meta={"from_logits": True}))
    assert "applies sigmoid" in finding.message and "apply sigmoid a second time" in finding.message


@pytest.mark.parametrize("between", [False, True], ids=["directly", "through-dropout"])
def test_nd501_softmax_layer_after_a_softmax_output(between):
    layers = mlp_layers()
    last = "dense_2"
    if between:
        layers.append(layer_after("dropout", "Dropout", last))
        last = "dropout"
    layers.append(layer_after("softmax", "Softmax", last, activation="softmax"))
    finding = only("ND501", healthy_mlp(layers=layers))
    assert finding.severity is Severity.ERROR and finding.layer == "softmax"
    assert "applies softmax to the output of `dense_2`, which is already a softmax" in finding.message
    assert "no class can get more than 0.23, so the loss cannot fall below 1.46" in finding.message


def test_nd501_skips_the_layer_graph_of_a_subclassed_model():
    layers = [layer for layer in mlp_layers() if layer.kind != "InputLayer"]
    layers.append(layer_after("softmax", "Softmax", "dense_2", activation="softmax"))
    assert run("ND501", healthy_mlp(layers=layers)) == []


# ---- ND502 logits-as-probabilities -----------------------------------------------------------
def test_nd502_linear_output_read_as_probabilities():
    finding = only("ND502", healthy_mlp(meta={"output_activation": "linear"}))
    assert finding.severity is Severity.ERROR and finding.layer == "dense_2"  # certain, even when it learns
    assert "divides them by their sum and clips them" in finding.message
    assert "SparseCategoricalCrossentropy(from_logits=True)" in finding.fix and "'softmax'" in finding.fix
    binary = only("ND502", binary_mlp(output="linear"))
    assert "BinaryCrossentropy(from_logits=True)" in binary.fix and "'sigmoid'" in binary.fix


def test_nd502_silent_with_from_logits_or_without_cross_entropy():
    assert run("ND502", healthy_mlp(meta={"output_activation": "linear", "from_logits": True})) == []
    assert run("ND502", regression_mlp()) == []


# ---- ND503 output-loss-mismatch --------------------------------------------------------------
def test_nd503_one_unit_softmax_is_an_error():
    finding = only("ND503", binary_mlp(output="softmax"))
    assert finding.severity is Severity.ERROR and finding.layer == "dense_1"
    assert "softmax over a single unit" in finding.message and "always 1.0" in finding.message
    assert "Dense(1, activation='sigmoid')" in finding.fix


def test_nd503_sigmoid_with_categorical_cross_entropy_is_a_warning():
    finding = only("ND503", healthy_mlp(meta={"output_activation": "sigmoid"}, **NOT_LEARNING))
    assert finding.severity is Severity.WARNING and "do not sum to 1" in finding.message


def test_nd503_relu_before_a_cross_entropy_is_gated():
    learning = only("ND503", healthy_mlp(meta={"output_activation": "relu"}))
    assert learning.severity is Severity.WARNING and "applies relu before the cross-entropy" in learning.message
    failing = only("ND503", healthy_mlp(meta={"output_activation": "relu"}, **NOT_LEARNING))
    assert failing.severity is Severity.ERROR


def test_nd503_more_units_than_classes():
    finding = only("ND503", healthy_mlp(class_fractions=[0.5, 0.5]))
    assert "has 10 units but the labels hold 2 classes (0-1)" in finding.message and "Dense(2, ...)" in finding.fix


def test_nd503_bounded_output_on_unbounded_regression_targets():
    targets = {"given": "values", "stats": {"min": -1971.5, "max": 12005.6, "mean": 5001.2, "std": 1854.0, "nonfinite": 0.0}}
    finding = only("ND503", regression_mlp(meta={"output_activation": "sigmoid", "labels": targets}))
    assert finding.severity is Severity.ERROR  # even the mean is out of reach
    assert "only outputs values in (0, 1), but the regression targets range from -1972 to 1.201e+04" in finding.message
    assert "most of them" in finding.message and "standardize the targets" in finding.fix
    finding = only("ND503", regression_mlp(meta={"output_activation": "tanh"}))  # targets -2.9..3.1
    assert finding.severity is Severity.WARNING and "the targets outside that range" in finding.message
    assert run("ND503", regression_mlp(meta={"output_activation": "tanh", "labels": {"stats": {"min": -0.9, "max": 0.9, "mean": 0.0}}})) == []


# ---- ND504 linear-stack ----------------------------------------------------------------------
def test_nd504_mlp_without_hidden_activations():
    rec = healthy_mlp(layers=mlp_layers(activation="linear"), **NOT_LEARNING)
    finding = only("ND504", rec)
    assert finding.severity is Severity.ERROR and finding.layer == "dense"
    assert "layers `dense`, `dense_1`, `dense_2` follow each other with no nonlinearity" in finding.message
    assert "one linear map, then softmax, so the 3 layers" in finding.message
    assert "Dense(..., activation='relu')" in finding.fix


def test_nd504_through_flatten_and_dropout_but_not_through_an_activation_layer():
    conv = LayerInfo(name="conv2d", kind="Conv2D", activation="linear", units=8, fan_in=9, fan_out=72, kernel_shape=(3, 3, 1, 8))
    flat = [INPUT_LAYER, conv, layer_after("flatten", "Flatten", "conv2d"), layer_after("dropout", "Dropout", "flatten"),
            dense("dense", 5408, 10, "softmax", is_output=True, inbound=("dropout",))]
    finding = only("ND504", make_recording(flat))
    assert "layers `conv2d`, `dense`" in finding.message
    relu = flat[:2] + [layer_after("re_lu", "ReLU", "conv2d", activation="relu"),
                       dense("dense", 5408, 10, "softmax", is_output=True, inbound=("re_lu",))]
    assert run("ND504", make_recording(relu)) == []


def test_nd504_skips_subclassed_models_whose_call_may_apply_activations():
    layers = [layer for layer in mlp_layers(activation="linear") if layer.kind != "InputLayer"]
    assert run("ND504", healthy_mlp(layers=layers)) == []


# ---- ND505 label-format ----------------------------------------------------------------------
def test_nd505_one_hot_labels_for_a_sparse_loss():
    labels = {"given": "one-hot", "expected": "integer", "converted": True}
    finding = only("ND505", healthy_mlp(meta={"labels": labels}))
    assert finding.severity is Severity.ERROR and "one-hot vectors (10 columns)" in finding.message
    assert "netdoctor converted them" in finding.message and "categorical_crossentropy" in finding.fix


def test_nd505_integer_labels_for_a_categorical_loss():
    labels = {"given": "integer", "expected": "one-hot", "converted": True}
    finding = only("ND505", healthy_mlp(meta={"labels": labels, "loss": "categorical_crossentropy"}))
    assert "integer class indices" in finding.message and "to_categorical(y, 10)" in finding.fix


def test_nd505_silent_when_netdoctor_chose_the_labels():
    labels = {"given": "integer", "expected": "one-hot", "converted": False}  # its own MNIST
    assert run("ND505", healthy_mlp(meta={"labels": labels})) == []


# ---- ND601 unnormalized-inputs ---------------------------------------------------------------
PIXELS = {"min": 0.0, "max": 255.0, "mean": 33.5, "std": 78.7, "nonfinite": 0.0}


def test_nd601_raw_pixels_gated_by_the_outcome():
    learning = only("ND601", healthy_mlp(meta={"input_stats": PIXELS}))
    assert learning.severity is Severity.WARNING
    assert "range from 0 to 255 (mean 33.5, std 78.7); expected |mean| and std below 10" in learning.message
    assert "divide pixels by 255" in learning.fix
    assert only("ND601", healthy_mlp(meta={"input_stats": PIXELS}, **NOT_LEARNING)).severity is Severity.ERROR


def test_nd601_inputs_scaled_down_twice_and_standardized_inputs():
    tiny = {"min": 0.0, "max": 0.0039, "mean": 0.0005, "std": 0.0012, "nonfinite": 0.0}
    assert "at least 0.01 in size" in only("ND601", healthy_mlp(meta={"input_stats": tiny})).message
    standardized = {"min": -4.2, "max": 6.1, "mean": 0.0, "std": 1.0, "nonfinite": 0.0}
    assert run("ND601", healthy_mlp(meta={"input_stats": standardized})) == []
    assert run("ND601", healthy_mlp(meta={"input_stats": None})) == []


# ---- ND602 unshuffled-data -------------------------------------------------------------------
def test_nd602_batches_in_label_order():
    finding = only("ND602", healthy_mlp(sample_fields={"batch_classes": 1.0}, **NOT_LEARNING))
    assert finding.severity is Severity.ERROR
    assert "20 of 20 sampled training batches (100%) hold a single class" in finding.message
    assert "shuffle=True" in finding.fix


def test_nd602_silent_on_mixed_batches_tiny_batches_and_regression():
    assert run("ND602", healthy_mlp(sample_fields={"batch_classes": series((1.0, 9), (8.0, 11))})) == []
    skewed = healthy_mlp(class_fractions=[0.95, 0.05], meta={"batch_size": 4}, sample_fields={"batch_classes": 1.0})
    assert run("ND602", skewed) == []  # 0.95**4: shuffled batches hold one class most of the time
    assert run("ND602", regression_mlp(sample_fields={"batch_classes": 1.0})) == []


# ---- ND603 non-finite-data -------------------------------------------------------------------
def test_nd603_nan_inputs_are_an_error_even_on_a_learning_run():
    stats = {"min": -3.9, "max": 3.9, "mean": 0.0, "std": 1.0, "nonfinite": 13.0}
    finding = only("ND603", regression_mlp(meta={"input_stats": stats, "input_shape": [8], "train_examples": 1600}))
    assert finding.severity is Severity.ERROR
    assert "the training inputs hold 13 NaN/Inf values (of 12,800)" in finding.message
    assert "np.isnan" in finding.fix


def test_nd603_nan_labels():
    labels = {"given": "values", "stats": {"min": -1.0, "max": 1.0, "mean": 0.0, "std": 0.5, "nonfinite": 4.0}}
    finding = only("ND603", regression_mlp(meta={"labels": labels}))
    assert "the training labels hold 4 NaN/Inf values" in finding.message and "inputs" not in finding.message


# ---- ND703 memory-growth ---------------------------------------------------------------------
def test_nd703_memory_grows_at_a_steady_pace():
    finding = only("ND703", healthy_mlp(sample_fields={"memory_rss": 700e6 + 0.2e6 * STEPS}))
    assert finding.severity is Severity.WARNING and finding.step == 999
    assert "grew steadily from 721 MB at step 105 to 900 MB at step 999 (+179 MB)" in finding.message
    assert "0.2 MB per step" in finding.message and "another 2 GB" in finding.message


@pytest.mark.parametrize(
    "memory",
    [
        700e6 + 60e6 * (1 - np.exp(-STEPS / 150)),  # allocator growth that levels off
        700e6 + 0.2e6 * STEPS - 30e6 * (STEPS == STEPS[10]),  # gave memory back once
        700e6 + 0.01e6 * STEPS,  # 10 kB per step
    ],
    ids=["levels-off", "not-monotonic", "too-slow"],
)
def test_nd703_silent_cases(memory):
    assert run("ND703", healthy_mlp(sample_fields={"memory_rss": memory})) == []


def test_nd703_needs_memory_readings():
    assert run("ND703", healthy_mlp(sample_fields={"memory_rss": None})) == []



def test_every_rule_has_a_bad_and_a_good_example():
    examples = Path(__file__).resolve().parent / "models"
    folders = {folder.name for folder in examples.iterdir() if folder.is_dir()}
    assert all((examples / code / "bad.py").is_file() and (examples / code / "good.py").is_file() for code in folders)
    assert folders == set(REGISTRY)


def test_nd403_rise_from_a_zero_loss_level_is_reported_without_dividing_by_zero():
    loss = np.concatenate([np.full(400, 2.0), np.zeros(300), np.full(300, 5.0)])
    with np.errstate(all="raise"):
        finding = only("ND403", make_recording(loss=loss, accuracy=(0.1, 0.1)))
    assert "rose from a median of 0 over" in finding.message and "inf" not in finding.message
