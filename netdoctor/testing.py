"""Assertions for test suites: keep a fixed model healthy, keep a known-bad one caught.

    from netdoctor.testing import assert_healthy, assert_findings

    def test_model_learns():
        assert_healthy("models/classifier.py")          # a model file or training script
        assert_healthy(build_model, steps=200)           # or a model / a factory, in-process

    def test_zero_init_is_caught():
        assert_findings("models/zero_init.py", {"ND101", "ND102"})
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from netdoctor.api import Data, record
from netdoctor.findings import ExitCode, Report
from netdoctor.judge import diagnose

#: What can be checked: a path to a target file, a ``keras.Model``, or a function returning one.
Target = str | os.PathLike | Callable[[], Any] | Any


def check(
    target: Target,
    *,
    steps: int = 300,
    batch_size: int = 50,
    data: Data = "mnist",
    seed: int = 0,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
) -> Report:
    """Observe ``target`` and judge it.

    A path runs in a child process exactly as ``netdoctor check`` does; a model or a factory
    is trained in this process (it must then be importable here, with TensorFlow).
    """
    if isinstance(target, (str, os.PathLike)):
        if not isinstance(data, str):
            raise TypeError("a target file takes data as a source name or an .npz path")
        from netdoctor.supervise import observe
        from netdoctor.target import inspect_target

        recording = observe(inspect_target(target), steps=steps, batch_size=batch_size, data=data, seed=seed)
    else:
        recording = record(target, steps=steps, batch_size=batch_size, data=data, seed=seed)
    settings = {"steps": steps, "batch_size": batch_size, "seed": seed}
    return diagnose(recording, select=select, ignore=ignore, options=options, settings=settings)


def report_text(report: Report) -> str:
    """The report as plain text, as ``netdoctor check`` prints it without colours."""
    from netdoctor.output.text import make_console, text_report

    console = make_console(no_color=True)
    console.width = 100
    return text_report(report, console)


def assert_healthy(target: Target, *, fail_on: str = "error", **run: Any) -> Report:
    """Fail (with the whole report as the message) unless no finding reaches ``fail_on``."""
    __tracebackhide__ = True
    report = target if isinstance(target, Report) else check(target, **run)
    if report.exit_code(fail_on) is not ExitCode.OK:
        raise AssertionError(f"netdoctor found problems:\n{report_text(report)}")
    return report


def assert_findings(target: Target | Report, codes: Iterable[str], **run: Any) -> Report:
    """Fail unless the report has a finding for every code in ``codes`` (a known-bad model stays caught)."""
    __tracebackhide__ = True
    report = target if isinstance(target, Report) else check(target, **run)
    missing = sorted(set(codes) - report.codes())
    if missing:
        raise AssertionError(f"netdoctor did not report {', '.join(missing)}:\n{report_text(report)}")
    return report
