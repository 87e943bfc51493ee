"""Shared fixtures: running the real ``netdoctor`` command in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

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


def netdoctor(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: int = 300) -> Run:
    """Run ``python -m netdoctor ARGS`` as a user would, without colour or progress bars."""
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


@pytest.fixture(scope="session")
def run_netdoctor():
    return netdoctor
