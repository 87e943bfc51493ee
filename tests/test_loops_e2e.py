"""Every kind of training loop through ``netdoctor check``, unchanged: custom GradientTape loops
(eager and tf.function, optimizer or hand-written updates), TF1 graphs with hand-written
losses and growing evaluation loops, and fit scripts that feed their own batches."""

from __future__ import annotations

import numpy as np
import pytest

from netdoctor import metrics
from netdoctor.recording import Recording

from conftest import ROOT, netdoctor

pytestmark = pytest.mark.e2e

SCRIPTS = ROOT / "tests" / "scripts"


def check(name: str, *options: str):
    run = netdoctor("check", str(SCRIPTS / name), "--format", "json", "--isolated", *options)
    assert run.returncode in (0, 1), run.stdout + run.stderr
    return run


def errors(run) -> set[str]:
    return {f["code"] for f in run.report["findings"] if f["severity"] == "error"}


def finding(run, code: str) -> dict:
    return next(f for f in run.report["findings"] if f["code"] == code)


def test_loop_over_a_module_level_model_is_run_as_a_script_and_fully_observed():
    run = check("loop_module_model.py")
    report = run.report
    assert report["verdict"] == "healthy" and report["run"]["mode"] == "script"
    assert report["summary"]["steps"] == 189  # 3 epochs of 63 batches
    assert report["run"]["batch_size"] == 64 and report["run"]["task"] == "multiclass"
    assert report["run"]["loss"] == "sparse_categorical_crossentropy"
    assert [item["code"] for item in report["not_checked"]] == ["ND508"]  # the loop's data size is its own
    hidden = next(row for row in report["layers"] if row["name"] == "dense")
    assert hidden["grad_norm"] > 0 and hidden["dead_fraction"] is not None
    assert 0 < hidden["update_ratio"] < 0.1
    assert report["summary"]["train_accuracy"] > 0.8


def test_hand_written_sgd_is_training():
    run = check("loop_manual_sgd.py")
    assert run.returncode == 0, run.stdout
    report = run.report
    assert report["verdict"] == "healthy" and report["summary"]["steps"] == 400
    assert report["summary"]["final_loss"] < 0.5 * report["summary"]["initial_loss"]
    assert {row["name"] for row in report["layers"]} == {"W"}  # the Python name of the variable


def test_gradients_never_applied_are_a_finding():
    run = check("loop_never_applied.py")
    assert run.returncode == 1
    assert "ND208" in errors(run)
    message = finding(run, "ND208")["message"]
    assert "computed 300 times" in message and "never applied" in message
    assert "ND204" not in run.codes  # the frozen weights follow from it


def test_gradient_ascent_is_named_with_the_direction_of_the_updates():
    run = check("loop_gradient_ascent.py")
    assert "ND209" in errors(run)
    ascent = finding(run, "ND209")
    assert "+1.00" in ascent["message"] and "assign_add" in ascent["message"]
    assert "assign_sub" in ascent["fix"]
    assert "ND208" not in run.codes


def test_tf1_hand_written_cross_entropy_is_read_as_the_loss():
    run = check("tf1_handwritten_loss.py")
    assert run.returncode == 0, run.stdout
    facts = run.report["run"]
    assert facts["task"] == "multiclass" and facts["loss"] == "categorical_crossentropy"
    assert run.report["summary"]["train_accuracy"] > 0.8  # netdoctor's own accuracy of the head
    assert "ND502" not in run.codes  # the log is taken of a softmax: probabilities


def test_tf1_relu_on_the_logits_is_read_from_the_graph():
    run = check("tf1_relu_logits.py")
    assert "ND503" in run.codes
    assert "applies relu before the cross-entropy" in finding(run, "ND503")["message"]


def test_tf1_evaluation_loop_that_builds_ops_is_growth():
    run = check("tf1_eval_growth.py")
    assert "ND701" in errors(run)
    growth = finding(run, "ND701")
    assert "tf1_eval_growth.py:" in growth["source"]
    assert run.report["summary"]["train_accuracy"] > 0.8  # the model itself is fine


def test_tf1_scalar_variables_get_gradient_and_update_statistics():
    run = check("tf1_scalar_regression.py")
    layers = {row["name"]: row for row in run.report["layers"]}
    assert set(layers) == {"weight", "bias"}
    assert all(row["grad_norm"] > 0 and row["update_ratio"] > 0 for row in layers.values())
    assert run.report["run"]["task"] == "regression"


def test_fit_with_a_sequential_built_at_the_first_batch():
    run = check("fit_no_input.py")
    assert run.returncode == 0, run.stdout
    assert run.report["verdict"] == "healthy"
    assert [row["name"] for row in run.report["layers"]] == ["dense", "dense_1"]


def test_fit_of_a_model_nested_in_another_is_observed():
    run = check("fit_nested_models.py")
    assert run.returncode == 0, run.stderr
    assert run.report["verdict"] == "healthy"


def test_fit_on_label_sorted_data_records_the_batches():
    run = check("fit_sorted_labels.py")
    assert "ND602" in errors(run)
    assert "hold a single class" in finding(run, "ND602")["message"]


def test_fit_regression_with_a_bounded_output_reads_the_targets():
    run = check("fit_bounded_regression.py")
    assert "ND503" in errors(run)
    message = finding(run, "ND503")["message"]
    assert "sigmoid" in message and "regression targets range from 25" in message


@pytest.mark.exhaustive
def test_fit_of_a_second_model_is_judged_on_its_own_and_a_fully_frozen_model_is_named():
    run = check("fit_pretrain_frozen.py")
    assert run.returncode == 1
    assert run.report["root_causes"][0] == "ND204"
    frozen = finding(run, "ND204")
    assert frozen["severity"] == "error" and "every layer with weights is frozen" in frozen["message"]
    assert "ND403" not in {f["code"] for f in run.report["findings"]}  # the autoencoder's loss is left out
    assert any("trained another model" in note for note in run.report["run"]["notes"])


@pytest.mark.exhaustive
def test_tf1_dropout_rates_are_read_from_the_fed_keep_prob():
    run = check("tf1_keep_prob_rate.py")
    dropout = finding(run, "ND506")
    assert "drops 95%" in dropout["message"] and "keep_prob" in dropout["fix"]


@pytest.mark.exhaustive
@pytest.mark.parametrize("script", ["tf1_labels_next_batch.py", "loop_labels_apart.py"])
def test_labels_that_left_their_images_are_found_by_the_images(script):
    mispaired = finding(check(script), "ND604")
    assert mispaired["severity"] == "error" and "do not belong to their images" in mispaired["message"]


@pytest.mark.exhaustive
def test_a_loop_that_accumulates_gradients_is_measured_at_the_steps_that_update(tmp_path):
    saved = tmp_path / "run.jsonl"
    run = check("loop_accumulate.py", "--save-recording", str(saved))
    assert run.returncode == 0, run.stdout
    recording = Recording.load(saved)
    ratio = recording.layer_series("dense", metrics.UPDATE_RATIO)
    steps = recording.sample_steps
    measured = steps[np.isfinite(ratio)]
    assert measured.size >= 5 and all(step % 4 == 3 for step in measured)  # the steps that apply
    assert np.all(ratio[np.isfinite(ratio)] > 0)


@pytest.mark.exhaustive
def test_a_loop_that_updates_once_an_epoch_throws_the_other_batches_away():
    run = check("loop_update_per_epoch.py")
    assert run.report["root_causes"][0] == "ND208"
    assert "forward passes in training mode" in finding(run, "ND208")["message"]


def test_a_loop_that_trains_on_one_batch_is_named_and_its_own_evaluation_read():
    run = check("../models/ND606/bad.py")
    assert run.report["root_causes"][0] == "ND606"
    assert "one batch of 32 examples, of the 4,000 training examples" in finding(run, "ND606")["message"]
    assert 0.2 < run.report["summary"]["test_accuracy"] < 0.9  # read from the program's model(x_test)


@pytest.mark.exhaustive
def test_tf1_evaluation_in_a_new_session_is_read_as_the_held_out_accuracy():
    run = check("tf1_eval_new_session.py")
    assert run.report["summary"]["test_accuracy"] < 0.25 and run.report["summary"]["train_accuracy"] > 0.8
    assert run.report["root_causes"][0] == "ND605"
