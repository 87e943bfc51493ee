"""Shared fixtures: running the real ``netdoctor`` command.

:func:`netdoctor` runs the command line in this process, as ``netdoctor ARGS`` would from the
shell; its observer is one long-lived process for the whole session (TensorFlow is imported
once, and each target is still observed as if alone). :func:`netdoctor_process` runs the
installed command in a process of its own, for what only a real process boundary shows.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from netdoctor import supervise
from netdoctor.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TARGETS = Path(__file__).resolve().parent / "targets"


@dataclass
class Run:
    """One finished ``netdoctor`` process."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict[str, Any]:
        return json.loads(self.stdout)

    @property
    def codes(self) -> set[str]:
        return {finding["code"] for finding in self.report["findings"]}

    def severities(self, code: str) -> set[str]:
        return {f["severity"] for f in self.report["findings"] if f["code"] == code}


@pytest.fixture(scope="session", autouse=True)
def shared_observer():
    """One observer process for every target the session checks."""
    with supervise.shared_observer() as shared:
        yield shared


def netdoctor(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> Run:
    """Run the ``netdoctor`` command line with ARGS in this process, without colour or progress."""
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "CI": "1", **(env or {})})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def netdoctor_process(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: int = 300) -> Run:
    """Run ``python -m netdoctor ARGS`` in a process of its own, as a user would."""
    environment = {**os.environ, "NO_COLOR": "1", "CI": "1", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "netdoctor", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Run(done.returncode, done.stdout, done.stderr)
