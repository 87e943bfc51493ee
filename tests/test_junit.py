"""The ``junit`` format: valid JUnit XML whose test cases and counts follow the diagnosis."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from netdoctor.findings import Severity
from netdoctor.judge import diagnose
from netdoctor.output.junit import RUN_CASE, render_junit, rules_run
from netdoctor.recording import Recording
from netdoctor.rules import REGISTRY

from synthetic import healthy_mlp, zero_init_mlp

SCHEMA = Path(__file__).parent / "schemas" / "junit.xsd"


@pytest.fixture(scope="module")
def schema():
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(SCHEMA)


@pytest.fixture(scope="module")
def sick():
    return diagnose(zero_init_mlp())


def parsed(report, schema) -> ET.Element:
    """The report's JUnit document, validated, with counts that agree with its test cases."""
    document = render_junit(report, "1.2.3")
    schema.validate(document)
    root = ET.fromstring(document)
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    for outcome, counted in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
        assert int(suite.get(counted)) == sum(case.find(outcome) is not None for case in cases), outcome
    assert int(suite.get("tests")) == len(cases)
    for attribute in ("tests", "failures", "errors", "time"):
        assert root.get(attribute) == suite.get(attribute)
    return suite


def cases_by_name(suite: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name"): case for case in suite.findall("testcase")}


def properties(suite: ET.Element) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in suite.find("properties")}


def test_a_healthy_run_passes_every_rule_that_ran(schema):
    report = diagnose(healthy_mlp())
    suite = parsed(report, schema)
    ran = rules_run(report)
    assert suite.get("name") == "netdoctor" and suite.get("file") == "model.py"
    assert (suite.get("failures"), suite.get("errors")) == ("0", "0")
    assert int(suite.get("tests")) == 1 + len(ran) + len(report.not_checked)
    cases = cases_by_name(suite)
    for rule in ran:
        assert list(cases[f"{rule.code} {rule.name}"]) == []
    assert cases["ND101 constant-weights"].get("classname") == "netdoctor.rules.init"
    assert cases["ND201 vanishing-gradients"].get("classname") == "netdoctor.rules.gradients"
    assert list(cases[RUN_CASE]) == [] and cases[RUN_CASE].get("time") == "2.500"
    assert properties(suite) == {
        "verdict": "healthy",
        "version": "1.2.3",
        "target": "model.py",
        "outcome": report.outcome.sentence,
    }


def test_a_rule_that_did_not_run_is_skipped_with_what_was_missing(schema):
    report = diagnose(healthy_mlp())
    assert report.not_checked
    cases = cases_by_name(parsed(report, schema))
    for item in report.not_checked:
        skipped = cases[f"{item.code} {item.name}"].find("skipped")
        assert skipped.get("message") == f"not measured: {', '.join(item.missing)}"
        assert all(name in skipped.text for name in item.missing)
    assert not {item.code for item in report.not_checked} & {rule.code for rule in rules_run(report)}


def test_each_error_finding_is_a_failure_carrying_the_finding(sick, schema):
    suite = parsed(sick, schema)
    errors = [f for f in sick.findings if f.severity is Severity.ERROR]
    assert int(suite.get("failures")) == len(errors) > 1
    cases = cases_by_name(suite)
    for finding in errors:
        failure = cases[f"{finding.code} {finding.name}"].find("failure")
        assert failure.get("type") == "error" and failure.get("message") == finding.gist()
        assert failure.text.startswith(finding.message)
        for evidence in finding.evidence:
            assert f"evidence: {evidence.metric} = " in failure.text
        if finding.explained_by:
            assert f"follows from: {finding.explained_by}" in failure.text
        else:
            assert f"fix: {finding.fix}" in failure.text
    assert properties(suite)["verdict"] == "sick"
    assert properties(suite)["root_causes"] == "ND101 constant-weights"


def test_a_warning_passes_with_its_finding_as_output_unless_fail_on_reaches_it(schema):
    recording = healthy_mlp(layer_metrics={"dense": {"dead_fraction": 0.8}})
    report = diagnose(recording)
    (warning,) = report.findings
    assert warning.severity is Severity.WARNING
    case = cases_by_name(parsed(report, schema))[f"{warning.code} {warning.name}"]
    assert case.find("failure") is None
    assert case.find("system-out").text.startswith(f"warning: {warning.message}")

    strict = diagnose(recording, settings={"values": {"fail_on": "warning"}})
    suite = parsed(strict, schema)
    assert suite.get("failures") == "1"
    assert cases_by_name(suite)[f"{warning.code} {warning.name}"].find("failure").get("type") == "warning"

    lenient = diagnose(zero_init_mlp(), settings={"values": {"fail_on": "never"}})
    assert parsed(lenient, schema).get("failures") == "0"


def test_only_the_selected_rules_are_test_cases(schema):
    report = diagnose(healthy_mlp(), select=["ND1"], settings={"values": {"select": ["ND1"], "ignore": []}})
    names = set(cases_by_name(parsed(report, schema)))
    expected = {f"{code} {rule.name}" for code, rule in REGISTRY.items() if code.startswith("ND1")}
    assert names == expected | {RUN_CASE}


def test_a_run_that_stopped_is_an_error_even_with_unprintable_output(schema):
    records = [r for r in healthy_mlp().records if r["type"] != "end"]
    detail = "Traceback (most recent call last):\n\x1b[31mValueError: bad shape\x1b[0m"
    records.append({"type": "error", "message": "ValueError: bad shape", "detail": detail})
    report = diagnose(Recording.from_records(records))
    suite = parsed(report, schema)
    assert suite.get("errors") == "1"
    error = cases_by_name(suite)[RUN_CASE].find("error")
    assert error.get("message") == "ValueError: bad shape"
    assert error.text == "Traceback (most recent call last):\n[31mValueError: bad shape[0m"
    assert properties(suite)["verdict"] == "incomplete"
