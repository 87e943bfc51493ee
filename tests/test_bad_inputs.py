"""Hostile inputs (``tests/bad_inputs/``), each through the real ``netdoctor check``.

Every case ends in one clear line on stderr, or an incomplete report with the reason, with exit
code 2 (or the true verdict, where the input is valid after all); never a traceback; and it
leaves no process behind (nor, for the cases run in a process of their own, any temporary
file). Cases run in this process share the session's observer; those that need a real process
boundary (signals, background children, temporary files) run ``netdoctor`` in a process of
their own. Slow cases (waits, time limits, grace periods) are ``exhaustive``.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from netdoctor import supervise

from conftest import ROOT, Run, netdoctor

BAD = "tests/bad_inputs"
SLOW = pytest.mark.exhaustive


def _npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _arrays(n: int = 60, **changes: np.ndarray) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.random((n, 784)).astype("float32")
    y = np.arange(n) % 10
    return {"x_train": x, "y_train": y, "x_test": x[:20], "y_test": y[:20], **changes}


LATIN1 = "# -*- coding: latin-1 -*-\n# Modèle à deux classes, données de démonstration\n".encode("latin-1")


@dataclass(frozen=True)
class Case:
    """``netdoctor check ARGS``: ``{bad}`` is tests/bad_inputs, ``{tmp}`` a fresh folder holding
    ``files`` (name -> bytes). Expect a one-line ``error``, the command line's own ``usage``
    error naming an option, an ``incomplete`` report (reason, at least ``steps`` steps kept,
    ``output`` among the target's last lines), or else the verdict's ``exit`` code."""

    args: tuple[str, ...]
    error: str | None = None
    usage: str | None = None
    incomplete: str | None = None
    exit: int = 2
    steps: int = 0
    output: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)


def case(*args: str, marks=(), id: str, **expected):
    return pytest.param(Case(args, **expected), id=id, marks=marks)


CASES = [
    # --- the file itself ----------------------------------------------------------------------
    case("{bad}/no_such_file.py", id="missing-file", error="no such file"),
    case("{bad}", id="directory", error="is a directory"),
    case("{tmp}/model.txt", id="not-python", error="not a Python file", files={"model.txt": b"hello"}),
    case("{bad}/empty.py", id="empty-file", error="has no code to run"),
    case("{bad}/comments_only.py", id="comments-only", error="has no code to run"),
    case("{tmp}/bad.py", id="non-utf8", error="bad.py:3: cannot read the file: byte 0xe9 is not utf-8", files={"bad.py": b"x = 1\ny = 2\nz = '\xe9'\n"}),
    case("{tmp}/bad.py", id="binary", error="encoding declaration", files={"bad.py": b"\xff\xfe\x00\x01"}),
    case("{tmp}/bad.py", id="unknown-coding", error="unknown encoding", files={"bad.py": b"# coding: klingon\n"}),
    case("{tmp}/bad.py", id="syntax-error", error="bad.py:2: syntax error", files={"bad.py": b"x = 1\ndef f(:\n"}),
    case(
        "{tmp}/latin1.py", "--steps", "20", id="latin1-with-coding-line", exit=1,
        files={"latin1.py": LATIN1 + (ROOT / BAD / "tiny_model.py").read_bytes(), "_tiny.py": (ROOT / BAD / "_tiny.py").read_bytes()},
    ),  # fmt: skip
    # --- importing and building the model -----------------------------------------------------
    case("{bad}/missing_module.py", id="missing-module", error="No module named 'no_such_module_for_netdoctor'"),
    case("{bad}/import_raises.py", id="import-raises", error="RuntimeError: this machine has no GPU named cuda:7"),
    case("{bad}/exit0_at_import.py", id="exit0-at-import", error="called sys.exit(0)"),
    case("{bad}/no_model.py", id="no-model", error="without training anything"),
    case("{bad}/returns_list.py", id="returns-list", error="gave a list, not a keras.Model"),
    case("{bad}/returns_none.py", id="returns-none", error="gave a NoneType, not a keras.Model"),
    case("{bad}/build_needs_arguments.py", id="build-needs-arguments", error="missing 1 required positional"),
    case("{bad}/recursion.py", id="recursion", error="RecursionError"),
    case("{bad}/allocates_too_much.py", id="allocates-too-much", error="MemoryError: Unable to allocate"),
    case("{bad}/model_reads_stdin.py", id="model-reads-stdin", error="stdin is /dev/null"),
    case("{bad}/no_trainable_weights.py", id="no-weights", error="the model has 8 outputs", marks=SLOW),
    # --- the data -----------------------------------------------------------------------------
    case("{bad}/wrong_input_shape.py", id="wrong-shape", error="expects inputs of shape (10,)"),
    case("{bad}/load_data_pair.py", id="load-data-pair", error="must return ((x_train, y_train), (x_test, y_test))"),
    case("{bad}/load_data_mismatch.py", id="load-data-lengths", error="different lengths"),
    case("{bad}/string_labels.py", id="string-labels", error="y_train holds strings ('cat'"),
    case("{bad}/nan_labels.py", id="nan-labels", error="43 of 300 labels are NaN or infinite"),
    case("{bad}/labels_out_of_range.py", id="labels-out-of-range", error="labels go up to 12"),
    case("{bad}/negative_labels.py", id="negative-labels", error="class indices 0..1, but the data has -1", marks=SLOW),
    case("{bad}/empty_train_set.py", id="empty-train-set", error="the training set is empty"),
    case("{bad}/inf_features.py", "--steps", "20", id="inf-inputs", exit=1, marks=SLOW),
    case("{bad}/one_class.py", "--steps", "20", id="one-class", exit=1, marks=SLOW),
    case("{bad}/mnist_model.py", "--data", "{tmp}/missing.npz", id="data-missing", error="does not exist"),
    case("{bad}/mnist_model.py", "--data", "{bad}", id="data-directory", error="unknown data source"),
    case("{bad}/mnist_model.py", "--data", "{tmp}/d.npz", id="data-not-npz", error="cannot read", files={"d.npz": b"no"}),
    case(
        "{bad}/mnist_model.py", "--data", "{tmp}/d.npz", id="data-keys", error="lacks y_test",
        files={"d.npz": _npz(**{k: v for k, v in _arrays().items() if k != "y_test"})},
    ),  # fmt: skip
    case(
        "{bad}/mnist_model.py", "--data", "{tmp}/d.npz", id="data-string-labels", error="y_train holds strings",
        files={"d.npz": _npz(**_arrays(y_train=np.array(["seven"] * 60)))},
    ),  # fmt: skip
    case("{bad}/mnist_model.py", "--data", "fashion", id="data-unknown", error="unknown data source 'fashion'"),
    # --- the command line and the configuration -----------------------------------------------
    case("{bad}/tiny_model.py", "--steps", "0", id="steps-zero", error="steps must be at least 1"),
    case("{bad}/tiny_model.py", "--steps", "-5", id="steps-negative", error="steps must be at least 1"),
    case("{bad}/tiny_model.py", "--batch-size", "0", id="batch-size-zero", error="batch size must be at least 1"),
    case("{bad}/tiny_model.py", "--steps", "many", id="steps-not-a-number", usage="--steps"),
    case("{bad}/tiny_model.py", "--format", "xml", id="unknown-format", usage="--format"),
    case("{bad}/tiny_model.py", "--stepz", "3", id="unknown-option", usage="--stepz"),
    case("{bad}/tiny_model.py", "--quiet", id="quiet-is-gone", usage="--quiet"),
    case("{bad}/tiny_model.py", "--timeout", "-1", id="timeout-negative", error="timeout"),
    case("{bad}/tiny_model.py", "--select", "ND1O1", id="select-typo", error="did you mean ND101"),
    case("{bad}/tiny_model.py", "--ignore", "ND999", id="ignore-unknown", error="ND999"),
    case(
        "{tmp}/m.py", id="config-unknown-code", error="did you mean ND101",
        files={"m.py": b"def build_model():\n    pass\n", "pyproject.toml": b'[tool.netdoctor]\nignore = ["ND1O1"]\n'},
    ),  # fmt: skip
    case(
        "{tmp}/m.py", id="config-malformed", error="pyproject.toml",
        files={"m.py": b"def build_model():\n    pass\n", "pyproject.toml": b"[tool.netdoctor\nsteps = \n"},
    ),  # fmt: skip
    case(
        "{tmp}/m.py", id="config-wrong-type", error="steps",
        files={"m.py": b"def build_model():\n    pass\n", "pyproject.toml": b'[tool.netdoctor]\nsteps = "many"\n'},
    ),  # fmt: skip
    case("{bad}/tiny_model.py", "--config", "{tmp}/none.toml", id="config-missing", error="none.toml"),
    case("{bad}/tiny_model.py", "-o", "{bad}/tiny_model.py", id="output-over-target", error="target"),
    case(
        "{bad}/mnist_model.py", "--data", "{tmp}/d.npz", "-o", "{tmp}/d.npz", id="output-over-data",
        error="d.npz", files={"d.npz": _npz(**_arrays())},
    ),  # fmt: skip
    case("{bad}/short_fit.py", "-o", "{tmp}/no/such/dir/r.txt", id="output-unwritable", error="there is no folder"),
    case("{bad}/short_fit.py", "--steps", str(10**12), id="steps-10-to-the-12-script", exit=1),
    case("{bad}/huge_steps.py", "--steps", str(10**12), id="steps-10-to-the-12-model", incomplete="enough"),
    # --- the script's run ---------------------------------------------------------------------
    case("{bad}/script_trains_nothing.py", id="never-trains", error="without training anything"),
    case("{bad}/exit0_before_training.py", id="exit0-before-training", error="called sys.exit(0)"),
    case("{bad}/reads_stdin.py", id="reads-stdin", error="reads_stdin.py:5: EOFError: EOF when reading a line"),
    case("{bad}/exit0_in_fit.py", id="exit0-in-fit", incomplete="exit0_in_fit.py:8: called sys.exit(0)", steps=29),
    case("{bad}/exit1_in_fit.py", id="exit1-in-fit", incomplete="called sys.exit(1)", steps=9, marks=SLOW),
    case(
        "{bad}/raises_in_fit.py", id="raises-in-fit", steps=9, output="not UTF-8",
        incomplete="raises_in_fit.py:10: RuntimeError: the learning-rate schedule ran out of values",
    ),  # fmt: skip
    case(
        "{bad}/os_exit_in_fit.py", id="os-exit-in-fit", steps=9, output="about to leave with os._exit(3)",
        incomplete="exited with code 3 after 9 training steps", marks=SLOW,
    ),  # fmt: skip
    case(
        "{bad}/segfault_in_fit.py", id="segfault-in-fit", steps=9, marks=SLOW,
        incomplete="crashed with SIGSEGV at tests/bad_inputs/segfault_in_fit.py:8",
    ),  # fmt: skip
    case("{bad}/sigkill_in_fit.py", id="sigkill-in-fit", incomplete="killed by SIGKILL", steps=9, marks=SLOW),
    case(
        "{bad}/tf_error_in_fit.py", id="tf-error-in-fit",
        error="tf_error_in_fit.py:11: InvalidArgumentError: ValueError: an input is more than 3 standard deviations",
    ),  # fmt: skip
    case(
        "{bad}/label_out_of_range_in_fit.py", id="tf-label-error", marks=SLOW,
        error="label_out_of_range_in_fit.py:6: InvalidArgumentError: Received a label value of 12",
    ),  # fmt: skip
    case(
        "{bad}/shape_error_in_fit.py", id="keras-shape-error",
        error="shape_error_in_fit.py:6: ValueError: Input 0 with name 'None' of layer 'dense' is incompatible",
    ),  # fmt: skip
    case("{bad}/tf1_feed_error.py", id="tf1-feed-error", incomplete="tf1_feed_error.py:16: ValueError: Cannot feed", marks=SLOW),
    case(
        "{bad}/fails_after_training.py", id="fails-after-training", incomplete="fails_after_training.py:8", steps=30,
        marks=SLOW,
    ),  # fmt: skip
    case("{bad}/background_child.py", id="background-child", exit=1, marks=SLOW),
    case("{bad}/closes_record_pipe.py", id="closes-record-pipe", error="exited with code", marks=SLOW),
    case("{bad}/lstm_model.py", "--steps", "20", id="lstm-model-mode", exit=1, marks=SLOW),
    case("{bad}/infinite_loop.py", "--timeout", "3", id="infinite-loop", error="time limit", marks=SLOW),
    case("{bad}/hangs_in_fit.py", "--timeout", "30", id="hangs-in-fit", incomplete="time limit", steps=4, marks=SLOW),
]


# --- processes ------------------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, bytes]]:
    """Every live process: pid -> (process group, its environment), zombies left out."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            environ = (stat.parent / "environ").read_bytes()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            found[int(stat.parent.name)] = (int(fields[2]), environ)
    return found


class NoStrays:
    """Fails when a case leaves a process running: one in the process group of an observer of
    ``shared``, or one whose environment holds ``env`` (inherited from a netdoctor process)."""

    def __init__(self, shared: supervise.SharedObserver) -> None:
        self.shared = shared
        self.env = {"NETDOCTOR_BAD_INPUT": uuid.uuid4().hex}
        self.before = set(_processes())
        self.groups = self._observers()

    def _observers(self) -> set[int]:
        return {worker.process.pid for worker in self.shared.workers.values() if worker.process is not None}

    def check(self) -> None:
        groups = self.groups | self._observers()
        token = "=".join(*self.env.items()).encode()
        deadline = time.monotonic() + 5  # a killed process takes a moment to go
        while True:
            strays = {
                pid
                for pid, (group, environ) in _processes().items()
                if pid not in self.before and pid not in groups and (group in groups or token in environ)
            }
            if not strays or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        commands = [_command(pid) for pid in strays]
        for pid in strays:
            os.kill(pid, signal.SIGKILL)
        assert not strays, f"left running: {commands}"


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return str(pid)


@pytest.fixture
def no_strays(shared_observer):
    strays = NoStrays(shared_observer)
    yield strays
    strays.check()


def _start(args: list[str], tmp: Path, strays: NoStrays, **env: str) -> subprocess.Popen:
    """``python -m netdoctor ARGS`` in a session of its own (as at a terminal), with ``tmp`` as
    its temporary folder."""
    (tmp / "tmp").mkdir(exist_ok=True)
    environment = {**os.environ, "NO_COLOR": "1", "CI": "1", "TMPDIR": str(tmp / "tmp"), **strays.env, **env}
    return subprocess.Popen(
        [sys.executable, "-m", "netdoctor", *args],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def _finish(process: subprocess.Popen, tmp: Path, timeout: float = 120) -> Run:
    """The finished process, which must have left nothing in its temporary folder."""
    stdout, stderr = process.communicate(timeout=timeout)
    left = [path.name for path in (tmp / "tmp").iterdir()]
    assert not left, f"left in the temporary folder: {left}"
    return Run(process.returncode, stdout, stderr)


# --- checks ---------------------------------------------------------------------------------


def _one_line(run: Run, expected: str) -> None:
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert run.returncode == 2, run.stdout + run.stderr
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("netdoctor: error: "), lines
    assert expected.lower() in lines[0].lower(), lines[0]


def _incomplete(run: Run, recording: Path, expected: Case) -> None:
    assert run.returncode == 2, run.stdout + run.stderr
    report = run.report
    assert report["verdict"] == "incomplete"
    assert expected.incomplete in report["incomplete_reason"]
    assert report["summary"]["steps"] >= expected.steps
    if expected.output:
        error = next(json.loads(line) for line in recording.read_text().splitlines() if '"type":"error"' in line)
        assert expected.output in error["output"]


def _fill(args: tuple[str, ...], tmp: Path) -> list[str]:
    return [arg.format(bad=BAD, tmp=tmp) for arg in args]


@pytest.mark.parametrize("given", CASES)
def test_bad_input(given: Case, tmp_path, no_strays):
    for name, content in given.files.items():
        (tmp_path / name).write_bytes(content)
    args = ["check", *_fill(given.args, tmp_path)]
    recording = tmp_path / "recording.jsonl"
    if given.incomplete:
        args += ["--format", "json"] + (["--save-recording", str(recording)] if given.output else [])
    run = netdoctor(*args)
    assert "Traceback" not in run.stderr + run.stdout
    if given.error:
        _one_line(run, given.error)
    elif given.usage:
        assert run.returncode == 2 and given.usage in run.stderr, run.stderr
    elif given.incomplete:
        _incomplete(run, recording, given)
    else:
        assert run.returncode == given.exit, run.stdout + run.stderr


def test_output_over_the_target_leaves_it_alone(tmp_path):
    target = tmp_path / "m.py"
    target.write_text("def build_model():\n    pass\n")
    before = target.read_bytes()
    run = netdoctor("check", str(target), "-o", str(target), "-f", "json")
    assert run.returncode == 2 and target.read_bytes() == before


def test_nan_inputs_are_a_non_finite_data_finding():
    run = netdoctor("check", f"{BAD}/nan_features.py", "--steps", "20", "-f", "json")
    assert run.returncode == 1 and "ND603" in run.codes


def test_empty_test_set_makes_up_no_test_accuracy():
    run = netdoctor("check", f"{BAD}/empty_test_set.py", "--steps", "20", "-f", "json")
    assert run.returncode in (0, 1) and run.report["summary"]["test_accuracy"] is None
    assert not [f for f in run.report["findings"] if "test accuracy" in f["message"]]


def test_incomplete_report_shows_the_last_output_lines():
    run = netdoctor("check", f"{BAD}/raises_in_fit.py")
    assert run.returncode == 2 and "bytes that are not UTF-8" in run.stdout


# --- a process of its own: signals, background children, temporary files ---------------------


@pytest.mark.exhaustive  # a kill mid-run in the default run: tests/test_errors_e2e.py
def test_a_crash_keeps_what_was_observed_and_leaves_nothing_behind(tmp_path, no_strays):
    started = time.monotonic()
    process = _start(["check", f"{BAD}/crash_leaving_a_child.py", "-f", "json"], tmp_path, no_strays)
    run = _finish(process, tmp_path)
    assert time.monotonic() - started < 60  # the background child does not hold netdoctor
    assert run.returncode == 2 and run.report["verdict"] == "incomplete"
    assert "crashed with SIGSEGV at tests/bad_inputs/crash_leaving_a_child.py:11" in run.report["incomplete_reason"]
    assert run.report["summary"]["steps"] == 9


@pytest.mark.exhaustive
def test_a_background_child_neither_holds_netdoctor_nor_outlives_it(tmp_path, no_strays):
    started = time.monotonic()
    run = _finish(_start(["check", f"{BAD}/background_child.py"], tmp_path, no_strays), tmp_path)
    assert run.returncode == 1, run.stderr
    assert time.monotonic() - started < 60


def _interrupted(tmp_path: Path, strays: NoStrays, signals: list[int], **env: str) -> tuple[Run, float]:
    """The report of slow_training.py stopped by ``signals`` to netdoctor's process group once
    it trains; and the seconds from the first signal to netdoctor's exit."""
    ready = tmp_path / "ready"
    process = _start(
        ["check", f"{BAD}/slow_training.py", "-f", "json"], tmp_path, strays, BAD_INPUT_READY=str(ready), **env
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.1)
    sent = time.monotonic()
    for sig in signals:
        os.killpg(process.pid, sig)
        time.sleep(0.5)
    run = _finish(process, tmp_path, timeout=60)
    return run, time.monotonic() - sent


def _stopped_report(run: Run, reason: str, steps: int = 5) -> None:
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert run.report["verdict"] == "incomplete"
    assert reason in run.report["incomplete_reason"]
    assert run.report["summary"]["steps"] >= steps


@pytest.mark.exhaustive
def test_sigterm_stops_the_run_and_reports_it(tmp_path, no_strays):
    run, _ = _interrupted(tmp_path, no_strays, [signal.SIGTERM])
    _stopped_report(run, "stopped by SIGTERM")


@pytest.mark.exhaustive
def test_ctrl_c_stops_the_run_and_reports_it(tmp_path, no_strays):
    run, _ = _interrupted(tmp_path, no_strays, [signal.SIGINT])
    _stopped_report(run, "interrupted by the user (Ctrl-C)")


@pytest.mark.exhaustive
def test_a_target_that_ignores_signals_is_killed_after_the_grace_period(tmp_path, no_strays):
    run, seconds = _interrupted(tmp_path, no_strays, [signal.SIGTERM], IGNORE_SIGNALS="1")
    _stopped_report(run, "stopped by SIGTERM")
    assert seconds < supervise.GRACE_SECONDS + 10


@pytest.mark.exhaustive
def test_a_second_ctrl_c_kills_at_once(tmp_path, no_strays):
    run, seconds = _interrupted(tmp_path, no_strays, [signal.SIGINT, signal.SIGINT], IGNORE_SIGNALS="1")
    _stopped_report(run, "interrupted by the user (Ctrl-C)")
    assert seconds < supervise.GRACE_SECONDS + 0.5  # not the grace period and the report


@pytest.mark.exhaustive
def test_a_killed_target_in_a_process_of_its_own(tmp_path, no_strays):
    run = _finish(_start(["check", f"{BAD}/sigkill_in_fit.py", "-f", "json"], tmp_path, no_strays), tmp_path)
    assert run.returncode == 2 and "killed by SIGKILL" in run.report["incomplete_reason"]
    assert run.report["summary"]["steps"] == 9


@pytest.mark.exhaustive
def test_timeout_in_a_process_of_its_own(tmp_path, no_strays):
    process = _start(["check", f"{BAD}/hangs_in_fit.py", "--timeout", "30", "-f", "json"], tmp_path, no_strays)
    _stopped_report(_finish(process, tmp_path), "time limit", steps=4)


@pytest.mark.exhaustive
def test_several_targets_one_bad():
    run = netdoctor("check", f"{BAD}/empty.py", f"{BAD}/short_fit.py")
    assert run.returncode == 2, run.stderr
    assert "has no code to run" in run.stderr and "short_fit.py" in run.stdout
