"""The ``github`` format: GitHub Actions workflow commands, shown as annotations on a pull request."""

from __future__ import annotations

from netdoctor import metrics as m
from netdoctor.findings import Report, Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape(text: str, property_value: bool = False) -> str:
    """Escape as the workflow-command parser expects (``%``, newlines; ``:`` and ``,`` in properties)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(report: Report) -> str:
    """One ``::error file=...,line=...,title=...::message`` line per finding, root causes first
    (with their fix), then what follows from them."""
    target = str(report.recording.meta.get(m.TARGET) or "model.py")
    lines = []
    for finding in report.findings:
        path, line = target, 1
        if finding.source and finding.source.rpartition(":")[2].isdigit():
            path, _, number = finding.source.rpartition(":")
            line = int(number)
        title = f"netdoctor {finding.code} {finding.name}"
        if finding.explained_by:
            title += f" (follows from {finding.explained_by})"
            message = finding.message
        else:
            title += " (root cause)"
            message = f"{finding.message} Fix: {finding.fix}"
        properties = f"file={_escape(path, True)},line={line},title={_escape(title, True)}"
        lines.append(f"::{COMMANDS[finding.severity]} {properties}::{_escape(message)}")
    if not report.recording.complete:
        lines.append(f"::error file={_escape(target, True)},line=1,title=netdoctor::run incomplete")
    return "\n".join(lines)
