"""Bad input gets one clear line and exit code 2, never a traceback; observed data is kept."""

from __future__ import annotations

import pytest

from conftest import TARGETS, netdoctor, netdoctor_process


def _one_line_error(run) -> str:
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("netdoctor: error: ")
    return lines[0]


def test_missing_file(tmp_path):
    line = _one_line_error(netdoctor("check", str(tmp_path / "nope.py")))
    assert "no such file" in line


def test_not_a_python_file(tmp_path):
    path = tmp_path / "model.txt"
    path.write_text("hello")
    assert "not a Python file" in _one_line_error(netdoctor("check", str(path)))


def test_syntax_error_names_the_line():
    line = _one_line_error(netdoctor("check", str(TARGETS / "syntax_error.py")))
    assert "syntax_error.py:1: syntax error" in line


def test_bad_steps_value():
    line = _one_line_error(netdoctor("check", str(TARGETS / "build_raises.py"), "--steps", "0"))
    assert "steps must be at least 1" in line


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("import_error.py", "ModuleNotFoundError: No module named 'no_such_module_for_netdoctor'"),
        ("build_raises.py", "build_model() in tests/targets/build_raises.py raised ValueError: the widths do not add up"),
        ("not_a_model.py", "gave a list, not a keras.Model"),
        ("wrong_output.py", "labels go up to 9 but the model has 3 output units"),
        ("exits.py", "called sys.exit(3)"),
    ],
)
def test_unloadable_targets(target, expected):
    line = _one_line_error(netdoctor("check", f"tests/targets/{target}", "--steps", "20"))
    assert expected in line


@pytest.mark.e2e
def test_debug_shows_the_traceback():
    run = netdoctor("check", "tests/targets/build_raises.py", "--debug", "--steps", "20")
    assert run.returncode == 2
    assert "Traceback" in run.stderr and "the widths do not add up" in run.stderr


@pytest.mark.e2e
def test_killed_run_keeps_what_was_observed(tmp_path):
    saved = tmp_path / "killed.jsonl"
    run = netdoctor_process(
        "check", "tests/targets/killed_mid_run.py", "--format", "json", "--steps", "400",
        "--save-recording", str(saved),
    )  # fmt: skip
    assert run.returncode == 2
    report = run.report
    assert report["verdict"] == "incomplete"
    assert "killed by SIGKILL" in report["incomplete_reason"]
    assert 0 < report["summary"]["steps"] < 400
    assert report["summary"]["initial_loss"] is not None
    assert saved.read_text().count('"type":"sample"') > 5
