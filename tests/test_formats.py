"""Machine formats for CI: SARIF 2.1.0 (validated against the official schema) and GitHub annotations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netdoctor.judge import diagnose
from netdoctor.output.github import render_github
from netdoctor.output.sarif import render_sarif
from netdoctor.rules import all_rules

from synthetic import healthy_mlp, zero_init_mlp

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def sick():
    return diagnose(zero_init_mlp())


def test_sarif_validates_against_the_official_schema(sick):
    if not SCHEMA.exists():
        pytest.skip("the SARIF 2.1.0 schema is not beside this checkout")
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(render_sarif(sick, "1.2.3"))
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))


def test_sarif_has_what_github_code_scanning_requires(sick):
    log = json.loads(render_sarif(sick, "1.2.3"))
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "netdoctor" and driver["version"] == "1.2.3"
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in all_rules()]
    for rule in driver["rules"]:
        for field in ("shortDescription", "fullDescription", "help"):
            assert rule[field]["text"] and len(rule[field]["text"]) <= (10_000 if field == "help" else 1024)
    assert len(run["results"]) == len(sick.findings)
    for result, finding in zip(run["results"], sick.findings):
        assert result["ruleId"] == finding.code
        assert driver["rules"][result["ruleIndex"]]["id"] == finding.code
        assert result["level"] == finding.severity.value
        region = result["locations"][0]["physicalLocation"]["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
    first = run["results"][0]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "model.py"
    assert first["locations"][0]["physicalLocation"]["region"]["startLine"] == 10


def test_sarif_of_a_healthy_run_has_no_results():
    log = json.loads(render_sarif(diagnose(healthy_mlp()), "1.2.3"))
    assert log["runs"][0]["results"] == []


def test_github_annotations_one_per_finding(sick):
    lines = render_github(sick).splitlines()
    assert len(lines) == len(sick.findings)
    assert lines[0].startswith("::error file=model.py,line=10,title=netdoctor ND101 constant-weights (root cause)::")
    assert all("\n" not in line for line in lines)
    assert all("(follows from ND101)" in line for line in lines[1:])
