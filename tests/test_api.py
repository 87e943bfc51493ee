"""The Python API: ``netdoctor.diagnose`` on each kind of target, the report as JSON, and the
Recorder's own report and early stop."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

import netdoctor
from netdoctor import api
from netdoctor import metrics as m
from netdoctor.errors import TargetError
from netdoctor.findings import Verdict
from netdoctor.judge import diagnose as judge
from netdoctor.output.json_report import render_json

from conftest import EXAMPLES, TARGETS
from conftest import netdoctor as command
from synthetic import zero_init_mlp

#: What ``netdoctor check`` and ``netdoctor judge`` must agree on with the API (not the settings,
#: whose sources differ, nor the durations).
SAME = ("verdict", "root_causes", "findings", "not_checked", "outcome", "references", "layers")


def _same(document: dict, other: dict) -> None:
    for key in SAME:
        assert document[key] == other[key], key


# ---- recordings and reports (no TensorFlow) ---------------------------------------------------
def test_a_recording_is_judged_as_the_judge_does():
    recording = zero_init_mlp()
    report = netdoctor.diagnose(recording, select=["ND1"], ignore=["ND103"])
    assert report.codes() == judge(recording, select=["ND1"], ignore=["ND103"]).codes() == {"ND101", "ND102"}


def test_run_settings_do_not_apply_to_a_recording():
    with pytest.raises(TypeError, match="steps, seed do not apply"):
        netdoctor.diagnose(zero_init_mlp(), steps=10, seed=1)


def test_the_report_as_json_and_as_plain_data():
    report = netdoctor.diagnose(zero_init_mlp())
    document = api.to_dict(report)
    assert api.to_json(report) == render_json(report, netdoctor.__version__)
    assert json.loads(api.to_json(report)) == document
    assert document["verdict"] == "sick" and document["root_causes"] == [f.code for f in report.root_causes]


def test_the_report_methods_are_the_api_functions():
    report = netdoctor.diagnose(zero_init_mlp())
    assert report.to_json() == api.to_json(report) and report.to_dict() == api.to_dict(report)


# ---- targets observed by netdoctor ------------------------------------------------------------
def test_a_target_file_gives_what_the_command_gives():
    report = netdoctor.diagnose(EXAMPLES / "zero_init.py", steps=100)
    run = command("check", "examples/zero_init.py", "--steps", "100", "--format", "json")
    assert run.returncode == 1, run.stderr
    _same(api.to_dict(report), run.report)
    assert report.settings["values"]["steps"] == 100 and report.settings["sources"]["steps"] == api.SOURCE


def test_a_target_file_that_cannot_run_raises_the_commands_error():
    with pytest.raises(TargetError, match=r"build_model\(\) in .*build_raises.py raised"):
        netdoctor.diagnose(TARGETS / "build_raises.py", steps=10)


def test_a_factory_is_trained_here_on_the_offline_mnist():
    spec = importlib.util.spec_from_file_location("zero_init", EXAMPLES / "zero_init.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = netdoctor.diagnose(module.build_model, steps=60, ignore=["ND4"])
    assert {"ND101", "ND102"} <= report.codes() and not any(code.startswith("ND4") for code in report.codes())
    meta = report.recording.meta
    assert meta[m.TARGET] == "build_model()" and meta[m.MODE] == "model" and "MNIST" in meta[m.DATA]
    assert report.recording.steps == 60 and report.settings["values"]["ignore"] == ["ND4"]


def test_a_model_is_trained_here_on_the_arrays_given(data):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    report = netdoctor.diagnose(model, data=(data, data), steps=150, batch_size=32)
    assert report.verdict is Verdict.HEALTHY, [f.message for f in report.findings]
    assert report.recording.meta[m.DATA] == api.ARRAYS and report.settings["values"]["data"] == api.ARRAYS
    assert report.recording.meta[m.TARGET] == f"model `{model.name}`"


# ---- the Recorder -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 20)).astype("float32")
    return x, (x[:, 0] > 0).astype("int64")


def _fit(data, recorder, initializer="glorot_uniform", learning_rate=0.05, epochs=3):
    """A 20-16-2 classifier fit on ``data`` with ``recorder``; its hidden kernel starts from ``initializer``."""
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((20,)),
            keras.layers.Dense(16, activation="relu", kernel_initializer=initializer, name="hidden"),
            keras.layers.Dense(2, name="scores"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(*data, batch_size=32, epochs=epochs, verbose=0, callbacks=[recorder])
    return model


def test_the_recorders_report_is_what_the_command_gives_for_its_recording(data, tmp_path):
    from netdoctor.keras import Recorder

    recorder = Recorder(*data)
    _fit(data, recorder, initializer="zeros")
    recorder.recording.save(tmp_path / "run.jsonl")
    run = command("judge", str(tmp_path / "run.jsonl"), "--format", "json")
    report = recorder.report()
    _same(api.to_dict(report), run.report)
    assert report.verdict is Verdict.SICK and report.root_causes[0].code == "ND101"
    assert recorder.report(select=["ND4"]).codes() == {"ND401", "ND402"}


def test_stop_on_fatal_stops_once_an_update_leaves_the_weights_constant(data):
    from netdoctor.keras import Recorder

    recorder = Recorder(*data, stop_on_fatal=True)
    model = _fit(data, recorder, initializer="zeros")
    recording = recorder.recording
    assert model.stop_training and recording.complete and recording.steps == 2  # steps 0 and 1
    assert recording.meta[m.STOPPED_ON] == ["ND101"] == [f.code for f in recorder.fatal]
    assert any("stopped training at step 1 (stop_on_fatal): ND101" in note for note in recording.meta[m.NOTES])
    assert recorder.report().verdict is Verdict.SICK


def test_stop_on_fatal_stops_at_the_first_nan(data):
    from netdoctor.keras import Recorder

    recorder = Recorder(*data, stop_on_fatal=True)
    _fit(data, recorder, learning_rate=1e12)
    recording = recorder.recording
    assert recording.meta[m.STOPPED_ON] == ["ND303"] and recording.steps == 2  # NaN gradients at step 1
    report = recorder.report()
    assert "ND303" in report.codes() and report.root_causes[0].code == "ND206"  # learning rate too high


def test_stop_on_fatal_lets_constant_weights_that_break_their_symmetry_train(data):
    import keras

    from netdoctor.keras import Recorder

    recorder = Recorder(*data, stop_on_fatal=True)
    _fit(data, recorder, initializer=keras.initializers.Constant(0.1), epochs=1)
    recording = recorder.recording
    assert recording.steps == 16 and m.STOPPED_ON not in recording.meta and not recorder.fatal
    assert "ND101" in recorder.report().codes()  # still a defect, reported at the end


def test_report_to_writes_the_json_report_of_this_process(data, tmp_path):
    from netdoctor.keras import Recorder

    recorder = Recorder(*data, report_to=tmp_path / "report.json")
    _fit(data, recorder, epochs=1)
    assert recorder.is_chief
    assert json.loads((tmp_path / "report.json").read_text()) == api.to_dict(recorder.report())
