"""The ``sarif`` format: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Findings are about a model, not a line, so each result points at the line that created the
layer when it is known (``source``), else at the first line of the target file.
"""

from __future__ import annotations

import json
from typing import Any

from netdoctor import metrics as m
from netdoctor.findings import Finding, Report, Severity
from netdoctor.recording import jsonable
from netdoctor.rules import Rule, all_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/netdoctor-tf/"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _descriptor(rule: Rule) -> dict[str, Any]:
    doc = rule.doc
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary[:1024]},
        "fullDescription": {"text": doc.split("\n\n", 1)[0][:1024]},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["netdoctor", rule.family]},
    }


def _location(finding: Finding, target: str) -> dict[str, Any]:
    path, line = target, 1
    if finding.source and ":" in finding.source:
        source_path, _, source_line = finding.source.rpartition(":")
        if source_line.isdigit():
            path, line = source_path, int(source_line)
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": path.replace("\\", "/")},
            "region": {"startLine": line, "startColumn": 1, "endLine": line, "endColumn": 1},
        }
    }


def render_sarif(report: Report, tool_version: str) -> str:
    """The report as a SARIF log with one run; every known rule is listed in the driver."""
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    target = str(report.recording.meta.get(m.TARGET) or "model.py")
    results = []
    for finding in report.findings:
        text = finding.message if not finding.fix or finding.explained_by else f"{finding.message} Fix: {finding.fix}"
        result = {
            "ruleId": finding.code,
            "level": LEVELS[finding.severity],
            "message": {"text": text},
            "locations": [_location(finding, target)],
            "properties": {"evidence": [e.to_dict() for e in finding.evidence]},
        }
        if finding.code in index:
            result["ruleIndex"] = index[finding.code]
        if finding.layer:
            result["properties"]["layer"] = finding.layer
        result["properties"]["rootCause"] = finding.is_root
        if finding.explained_by:
            result["properties"]["explainedBy"] = finding.explained_by
        results.append(result)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "netdoctor",
                        "version": tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": [_descriptor(rule) for rule in rules],
                    }
                },
                "automationDetails": {"id": f"netdoctor/{target}/"},
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": report.recording.complete,
                        "exitCode": int(report.exit_code()),
                    }
                ],
            }
        ],
    }
    return json.dumps(jsonable(log), indent=2, allow_nan=False)
