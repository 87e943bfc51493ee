"""Keras fit under tf.distribute: MirroredStrategy over two logical CPUs records what one device
records, through a Recorder and through ``netdoctor check``; under MultiWorkerMirroredStrategy
every worker records and the chief reports.

Each program runs in a process of its own: logical devices and a cluster must be set up before
anything initializes TensorFlow.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

import netdoctor
from netdoctor import metrics as m
from netdoctor.recording import Recording

from conftest import ROOT, netdoctor_process

#: Each test trains in processes of its own (TensorFlow's devices are fixed once it starts).
pytestmark = pytest.mark.exhaustive

SCRIPTS = ROOT / "tests" / "scripts"
#: Seconds a distributed program may take before the test gives up on it.
TIMEOUT = 120


def _run(script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(SCRIPTS / script), *args],
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finished(process: subprocess.Popen) -> None:
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
    assert process.returncode == 0, output


def _codes(recording: Recording) -> set[str]:
    return netdoctor.diagnose(recording).codes()


def test_mirrored_strategy_records_what_one_device_records(tmp_path):
    _finished(_run("recorder_mirrored.py", str(tmp_path)))
    names = ("one-device", "mirrored", "mirrored-in-scope")
    single, *mirrored = (Recording.load(tmp_path / f"{name}.jsonl") for name in names)
    assert {"ND101", "ND401"} <= _codes(single) and m.REPLICAS not in single.meta
    for recording in mirrored:
        assert _codes(recording) == _codes(single)
        assert recording.meta[m.REPLICAS] == 2 and recording.meta[m.STRATEGY] == "MirroredStrategy"
        np.testing.assert_allclose(recording.train_loss, single.train_loss, rtol=1e-5)
        assert [s[m.BATCH_CLASSES] for s in recording.samples] == [s[m.BATCH_CLASSES] for s in single.samples]
        for layer in ("hidden", "constant", "scores"):
            for metric in (m.GRAD_NORM, m.UPDATE_RATIO, m.KERNEL_STD):
                np.testing.assert_allclose(
                    recording.layer_series(layer, metric), single.layer_series(layer, metric), rtol=1e-4
                )


def test_check_of_a_mirrored_fit_script(tmp_path):
    saved = tmp_path / "run.jsonl"
    run = netdoctor_process("check", "tests/scripts/fit_mirrored.py", "-f", "json", "--save-recording", str(saved))
    assert run.returncode == 1, run.stderr
    recording = Recording.load(saved)
    assert recording.meta[m.REPLICAS] == 2 and recording.steps == 40
    assert {"ND101", "ND401"} <= run.codes
    assert any("MirroredStrategy on 2 replicas" in note for note in run.report["run"]["notes"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_multiworker_every_worker_records_and_the_chief_reports(tmp_path):
    cluster = {"worker": [f"127.0.0.1:{_free_port()}" for _ in range(2)]}
    workers = [
        _run(
            "recorder_multiworker.py", str(tmp_path),
            env={"TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})},
        )  # fmt: skip
        for index in range(2)
    ]
    for worker in workers:
        _finished(worker)
    recordings = [Recording.load(tmp_path / f"worker-{index}.jsonl") for index in range(2)]
    for index, recording in enumerate(recordings):
        assert recording.complete and recording.steps == 40
        assert recording.meta[m.REPLICAS] == 2 and recording.meta[m.WORKERS] == 2
        assert recording.meta[m.WORKER] == f"worker {index}"
        assert recording.meta[m.STRATEGY] == "MultiWorkerMirroredStrategy"
    np.testing.assert_array_equal(recordings[0].train_loss, recordings[1].train_loss)
    assert _codes(recordings[0]) == _codes(recordings[1])
    report = json.loads((tmp_path / "report.json").read_text())  # the chief's, worker 0's
    assert {f["code"] for f in report["findings"]} == _codes(recordings[0])
    chief = "over 2 workers; this is the recording of worker 0 (the chief)"
    assert any(chief in note for note in report["run"]["notes"])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.json", "worker-0.jsonl", "worker-1.jsonl"]
