"""The ``json`` format: one versioned object with sorted keys, for scripts and CI."""

from __future__ import annotations

import json

from netdoctor import metrics as m
from netdoctor.findings import Report, Severity
from netdoctor.output.summary import incomplete_output, incomplete_reason, layer_rows, run_summary
from netdoctor.recording import jsonable

SCHEMA_VERSION = 1

#: Run facts copied from the recording's meta into ``run``.
RUN_KEYS = (
    m.DATA, m.MODE, m.MODEL, m.TASK, m.NUM_CLASSES, m.LOSS_NAME, m.OPTIMIZER, m.LEARNING_RATE,
    m.BATCH_SIZE, m.SEED, m.STRATEGY, m.REPLICAS, m.WORKERS, m.WORKER, m.STOPPED_ON, m.NOTES,
)  # fmt: skip


def _outcome(report: Report) -> dict | None:
    """The run's outcome against the references, as the diagnosis states it."""
    outcome = report.outcome
    if outcome is None:
        return None
    return {
        "kind": outcome.kind,
        "measure": outcome.measure,
        "on": outcome.on,
        "value": outcome.value,
        "trivial": outcome.trivial,
        "linear": outcome.linear,
        "train_value": outcome.train_value,
        "sentence": outcome.sentence,
    }


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
        m.TARGET: rec.meta.get(m.TARGET),
        "verdict": report.verdict.value,
        "root_causes": [finding.code for finding in report.root_causes],
        "outcome": _outcome(report),
        m.REFERENCES: rec.meta.get(m.REFERENCES),
        "findings": [finding.to_dict() for finding in report.findings],
        "not_checked": [item.to_dict() for item in report.not_checked],
        "summary": summary,
        m.LAYERS: layer_rows(rec),
        "run": {key: rec.meta.get(key) for key in RUN_KEYS},
        "settings": report.settings,
        "incomplete_reason": incomplete_reason(rec),
        "incomplete_output": incomplete_output(rec),
        "verification": report.verification,
    }
    return json.dumps(jsonable(document), sort_keys=True, indent=2, allow_nan=False)
