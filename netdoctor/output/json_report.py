"""The ``json`` format: one versioned object with sorted keys, for scripts and CI."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from netdoctor.findings import Report, Severity
from netdoctor.output.summary import incomplete_reason, layer_rows, run_summary

SCHEMA_VERSION = 1

#: Run facts copied from the recording's meta into ``run``.
RUN_KEYS = (
    "data", "mode", "model", "task", "num_classes", "loss", "optimizer", "learning_rate",
    "batch_size", "seed", "notes",
)  # fmt: skip


def render_json(report: Report, tool_version: str) -> str:
    """The report as indented JSON; NaN and infinities appear as strings, never raw."""
    rec = report.recording
    summary = run_summary(report)
    summary.update(
        errors=report.count(Severity.ERROR),
        warnings=report.count(Severity.WARNING),
        infos=report.count(Severity.INFO),
    )
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "netdoctor", "version": tool_version},
        "target": rec.meta.get("target"),
        "verdict": report.verdict.value,
        "findings": [finding.to_dict() for finding in report.findings],
        "summary": summary,
        "layers": layer_rows(rec),
        "run": {key: rec.meta.get(key) for key in RUN_KEYS},
        "settings": report.settings,
        "incomplete_reason": incomplete_reason(rec),
    }
    return json.dumps(jsonable(document), sort_keys=True, indent=2, allow_nan=False)


def jsonable(value: Any) -> Any:
    """Only JSON types: numpy scalars unwrapped, non-finite floats as strings, others as str."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else str(value)  # "nan", "inf", "-inf"
    if value is None or isinstance(value, str):
        return value
    return str(value)
