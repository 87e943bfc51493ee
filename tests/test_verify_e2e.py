"""``netdoctor check --verify`` through the real command: the root cause's fix is re-run and
confirmed, shown as a before/after line and as a diff of the user's file (never written), and a
healthy program is not re-run at all."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from conftest import EXAMPLES, netdoctor

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def verified():
    before = hashlib.sha256((EXAMPLES / "zero_init.py").read_bytes()).hexdigest()
    run = netdoctor("check", str(EXAMPLES / "zero_init.py"), "--verify", "--format", "json")
    text = netdoctor("check", str(EXAMPLES / "zero_init.py"), "--verify")
    after = hashlib.sha256((EXAMPLES / "zero_init.py").read_bytes()).hexdigest()
    return run, text, before == after


def test_the_zero_initialization_is_confirmed_by_its_re_run(verified):
    run, _, _ = verified
    assert run.returncode == 1, run.stderr  # the program itself is still sick
    report = run.report
    assert report["root_causes"][0] == "ND101"
    cause = report["findings"][0]
    assert cause["code"] == "ND101" and cause["severity"] == "error"
    check = cause["verification"]
    assert check["verdict"] == "confirmed" and check["intervention"] == "reinitialize"
    assert check["budget_steps"] == 300 and check["seeds"] == [0]
    assert check["control"]["on"] == "held-out" and check["control"]["measure"] == "accuracy"
    assert check["control"]["value"] < 0.2 < 0.5 < check["fixed"]["value"]
    assert check["effect"] == pytest.approx(check["fixed"]["value"] - check["control"]["value"])
    assert report["verification"]["runs"] == 2  # the unchanged program and the fix, once each
    symmetric = next(f for f in report["findings"] if f["code"] == "ND102")
    assert symmetric["verification"]["intervention"] == "reinitialize"  # the same re-run


def test_the_text_report_shows_the_before_and_after_and_the_diff(verified):
    _, text, unchanged = verified
    out = text.stdout
    diagnosis = out[: out.index("Evidence")]
    assert "verified: confirmed: re-initialize `dense`, `dense_1` (He normal): held-out accuracy" in " ".join(diagnosis.split())
    assert '-            keras.layers.Dense(16, activation="relu", kernel_initializer="zeros"),' in diagnosis
    assert '+            keras.layers.Dense(16, activation="relu", kernel_initializer="he_normal"),' in diagnosis
    assert "--- a/" in diagnosis and "+++ b/" in diagnosis
    assert "re-runs of at most 300 steps" in out
    assert unchanged, "netdoctor must never write the user's file"


def test_a_healthy_program_is_not_re_run():
    run = netdoctor("check", str(EXAMPLES / "fixed.py"), "--verify", "--format", "json")
    assert run.returncode == 0, run.stdout
    assert run.report["verification"] is None
    assert all(f["verification"] is None for f in run.report["findings"])


@pytest.mark.exhaustive  # the setting itself: tests/test_config.py
def test_verify_can_be_the_setting_of_a_project(tmp_path):
    shutil.copy(EXAMPLES / "zero_init.py", tmp_path / "model.py")
    (tmp_path / "pyproject.toml").write_text("[tool.netdoctor]\nsteps = 300\nverify = true\nverify-steps = 100\n")
    run = netdoctor("check", "model.py", "--format", "json", cwd=tmp_path)
    assert run.report["settings"]["values"]["verify"] is True
    assert run.report["verification"]["budget_steps"] == 100
    assert run.report["findings"][0]["verification"]["verdict"] in ("confirmed", "partial")
    unverified = netdoctor("check", "model.py", "--format", "json", "--no-verify", "--steps", "50", cwd=tmp_path)
    assert unverified.report["verification"] is None
