"""Script mode through the real command: TF1 programs verbatim, Keras fit scripts, tf.function
loops, and the Recorder callback in a user's own process."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from netdoctor.recording import Recording

from conftest import EXAMPLES, TARGETS, netdoctor

pytestmark = pytest.mark.e2e


def _line_of(path, text: str) -> int:
    """The line number of the first line of ``path`` containing ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def _check(name: str, *options: str):
    return netdoctor("check", f"examples/{name}", "--format", "json", *options)


def _errors(run) -> set[str]:
    return {f["code"] for f in run.report["findings"] if f["severity"] == "error"}


@pytest.fixture(scope="module")
def tf1_bugs():
    return _check("legacy_tf1_bugs.py")


def test_tf1_program_runs_unchanged_and_all_three_bugs_are_named(tf1_bugs):
    assert tf1_bugs.returncode == 1, tf1_bugs.stdout + tf1_bugs.stderr
    report = tf1_bugs.report
    assert report["verdict"] == "sick"
    assert {"ND101", "ND102", "ND701", "ND702"} <= _errors(tf1_bugs)
    assert next(f["layers"] for f in report["findings"] if f["code"] == "ND101") == ["W1", "W2"]
    assert report["summary"]["steps"] == 1000
    assert any("tf.compat.v1" in note and "tf.placeholder" in note for note in report["run"]["notes"])
    assert any("input_data" in note for note in report["run"]["notes"])


def test_tf1_growth_and_argmax_findings_point_at_the_line(tf1_bugs):
    line = _line_of(EXAMPLES / "legacy_tf1_bugs.py", "tf.equal(tf.argmax(predictions), tf.argmax(labels))")
    where = f"examples/legacy_tf1_bugs.py:{line}"
    growth = next(f for f in tf1_bugs.report["findings"] if f["code"] == "ND701")
    assert where in growth["message"] and growth["source"] == where
    assert "10 of 1,000 training steps" in growth["message"] and "every 100 steps" in growth["message"]
    assert "finalize()" in growth["fix"]
    axis = [f for f in tf1_bugs.report["findings"] if f["code"] == "ND702"]
    assert len(axis) == 1 and where in axis[0]["message"] and axis[0]["source"] == where
    assert "axis=1" in axis[0]["fix"]


def test_fixed_tf1_program_is_healthy():
    run = _check("legacy_tf1_fixed.py")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.report["verdict"] == "healthy" and not _errors(run)
    assert run.report["summary"]["train_accuracy"] >= 0.85


def test_steps_caps_a_script():
    run = _check("legacy_tf1_fixed.py", "--steps", "150")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.report["summary"]["steps"] == 150
    assert "netdoctor stopped the script after 150 training steps (--steps)" in run.report["run"]["notes"]


def test_fit_script_with_unscaled_pixels_explodes(tmp_path):
    saved = tmp_path / "fit.jsonl"
    run = _check("fit_script.py", "--save-recording", str(saved))
    assert run.returncode == 1, run.stdout + run.stderr
    assert {"ND202", "ND402"} <= _errors(run)
    report = run.report
    assert report["run"]["model"].startswith("Sequential: 3 Dense layers")
    assert Recording.load(saved).meta["input_stats"]["max"] == 255.0
    assert any("keras.datasets.mnist.load_data()" in note for note in report["run"]["notes"])
    exploding = next(f for f in report["findings"] if f["code"] == "ND202")
    assert exploding["source"].startswith("examples/fit_script.py:")


def test_fixed_fit_script_is_healthy():
    run = _check("fit_script_fixed.py")
    assert run.returncode == 0, run.stdout + run.stderr
    assert not _errors(run)
    assert run.report["summary"]["test_accuracy"] >= 0.85


def test_retracing_loop_is_named_with_its_argument():
    run = _check("retrace_loop.py")
    assert run.returncode == 1, run.stdout + run.stderr
    retrace = next(f for f in run.report["findings"] if f["code"] == "ND701")
    line = _line_of(EXAMPLES / "retrace_loop.py", "@tf.function")
    assert f"examples/retrace_loop.py:{line}" in retrace["message"]
    assert "`train_step`" in retrace["message"] and "`learning_rate`" in retrace["message"]
    assert "39 of its 39 calls" in retrace["message"]
    assert run.report["summary"]["steps"] == 40


def test_fixed_loop_traces_once():
    run = _check("retrace_loop_fixed.py")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ND701" not in run.codes and not _errors(run)
    assert run.report["summary"]["final_loss"] < run.report["summary"]["initial_loss"]


def test_script_that_trains_nothing_is_one_clear_error():
    run = netdoctor("check", str(TARGETS / "trains_nothing.py"))
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and len(lines) == 1, run.stderr
    assert lines[0] == (
        "netdoctor: error: tests/targets/trains_nothing.py ran to the end without training "
        "anything: no Session.run of a training op, no model.fit, no gradient computed with GradientTape"
    )


def test_importing_netdoctor_does_not_import_tensorflow():
    script = "import sys, netdoctor, netdoctor.rules; assert 'tensorflow' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_recorder_callback_records_a_fit_for_diagnose():
    import keras

    import netdoctor
    from netdoctor.keras import Recorder

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 20)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    hidden = keras.layers.Dense(8, activation="relu", kernel_initializer="zeros", name="hidden")
    model = keras.Sequential([keras.Input((20,)), hidden, keras.layers.Dense(2, name="scores")])
    model.compile(
        optimizer="sgd",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    recorder = Recorder(x, y)
    model.fit(x, y, batch_size=32, epochs=2, verbose=0, callbacks=[recorder])
    recording = recorder.recording
    assert recording.complete and recording.steps == 32
    assert recording.train_loss.size == 32 and np.isfinite(recording.train_accuracy).all()
    assert [layer.name for layer in recording.kernel_layers] == ["hidden", "scores"]
    assert recording.samples and "grad_norm" in recording.samples[0]["layers"]["hidden"]
    report = netdoctor.diagnose(recording)
    assert {"ND101", "ND102"} <= report.codes()
