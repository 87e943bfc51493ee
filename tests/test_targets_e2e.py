"""Model files of every kind through the real command: subclassed, functional, own data, .npz."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import TARGETS, netdoctor

pytestmark = pytest.mark.e2e


def test_uncompiled_subclassed_model_gets_a_stated_default():
    run = netdoctor("check", str(TARGETS / "subclassed_uncompiled.py"), "--format", "json", "--steps", "300")
    assert run.returncode == 0, run.stdout + run.stderr
    report = run.report
    assert any("was not compiled" in note and "Adam" in note for note in report["run"]["notes"])
    assert report["run"]["task"] == "multiclass" and report["summary"]["test_accuracy"] > 0.8
    assert {row["name"] for row in report["layers"]} >= {"dense", "dense_1"}


def test_functional_binary_model_on_its_own_data():
    run = netdoctor("check", str(TARGETS / "own_data.py"), "--format", "json", "--steps", "200")
    assert run.returncode == 0, run.stdout + run.stderr
    report = run.report
    assert report["run"]["data"] == "load_data() in tests/targets/own_data.py"
    assert report["run"]["task"] == "binary" and report["run"]["num_classes"] == 2
    assert report["summary"]["test_accuracy"] > 0.9


def test_npz_data_is_used_as_given(tmp_path):
    rng = np.random.default_rng(1)
    centers = rng.normal(size=(10, 784)).astype("float32")
    labels = rng.integers(0, 10, size=1200)
    images = centers[labels] + 0.3 * rng.normal(size=(1200, 784)).astype("float32")
    path = tmp_path / "blobs.npz"
    np.savez(path, x_train=images[:1000], y_train=labels[:1000], x_test=images[1000:], y_test=labels[1000:])
    run = netdoctor("check", "examples/fixed.py", "--data", str(path), "--steps", "200", "--format", "json")
    report = run.report
    assert report["verdict"] != "incomplete", run.stderr
    assert str(path) in report["run"]["data"]
    assert report["summary"]["test_accuracy"] > 0.9
    assert report["settings"]["sources"]["data"] == "command line"


def test_missing_npz_is_one_clear_line(tmp_path):
    run = netdoctor("check", "examples/fixed.py", "--data", str(tmp_path / "absent.npz"), "--steps", "10")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "absent.npz" in run.stderr
