"""The ``junit`` format: JUnit XML for CI test reporters (Jenkins, GitLab, GitHub Actions).

One ``netdoctor`` suite holds a test case for the training run and one for each rule:

- the ``training run`` case errors when the run stopped early (the exit code is then 2);
- a rule's finding at or above the report's ``fail_on`` threshold (``error`` unless the
  settings say otherwise) is a ``<failure>``, so the test results agree with the exit code;
- a finding below the threshold passes and tells what it found in ``<system-out>``: JUnit has
  no warnings, and every consumer counts a ``<failure>`` as a failed test, whatever its type;
- a rule whose inputs the run did not measure (``not_checked``) is ``<skipped>``.

The document follows Jenkins' ``junit-10.xsd`` (xUnit plugin), the schema pytest's JUnit XML
follows too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from netdoctor import metrics as m
from netdoctor.findings import Evidence, Finding, NotChecked, Report, Severity
from netdoctor.judge import rules_for
from netdoctor.output.summary import describe_metric, format_number, incomplete_reason, run_summary
from netdoctor.rules import REGISTRY, Rule

SUITE = "netdoctor"
RUN_CASE = "training run"
#: Characters XML 1.0 cannot hold, not even escaped (ANSI escapes in a traceback, say).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(report: Report, version: str) -> str:
    """The report as a JUnit XML document: one ``<testsuite>`` in a ``<testsuites>`` root."""
    return render_junit_all([report], version)


def render_junit_all(reports: list[Report], version: str) -> str:
    """Several reports (one per target) as one document: a ``<testsuite>`` each."""
    suites = [_suite(report, version) for report in reports]
    totals = {
        name: str(sum(int(suite.get(name)) for suite in suites)) for name in ("tests", "failures", "errors")
    }
    duration = sum(float(suite.get("time")) for suite in suites)
    root = ET.Element("testsuites", name=SUITE, **totals, time=f"{duration:.3f}")
    root.extend(suites)
    ET.indent(root)
    return NOT_XML.sub("", ET.tostring(root, encoding="unicode", xml_declaration=True)) + "\n"


def _suite(report: Report, version: str) -> ET.Element:
    """One report's ``<testsuite>``: the training run's case, then one case per rule."""
    rec = report.recording
    duration = run_summary(report)["duration_s"] or 0.0
    threshold = _threshold(report)
    findings: dict[str, Finding] = {}
    for finding in report.findings:  # the judge reports one finding per rule
        findings.setdefault(finding.code, finding)
    rule_cases = {code: _rule_case(code, finding, threshold) for code, finding in findings.items()}
    for rule in rules_run(report):
        rule_cases.setdefault(rule.code, _case(_classname(rule), _test_name(rule.code, rule.name)))
    for item in report.not_checked:
        rule_cases[item.code] = _skipped_case(item)
    cases = [_run_case(report, duration)] + [rule_cases[code] for code in sorted(rule_cases)]

    target = str(rec.meta.get(m.TARGET) or "")
    suite = ET.Element(
        "testsuite",
        name=SUITE,
        tests=str(len(cases)),
        failures=str(sum(case.find("failure") is not None for case in cases)),
        errors=str(sum(case.find("error") is not None for case in cases)),
        skipped=str(sum(case.find("skipped") is not None for case in cases)),
        time=f"{duration:.3f}",
        **({"file": target} if target else {}),
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in _properties(report, version, target):
        ET.SubElement(properties, "property", name=name, value=value)
    suite.extend(cases)
    return suite


def rules_run(report: Report) -> list[Rule]:
    """The rules that checked the run: those the report's selection chose, that concern the run,
    and whose inputs it measured (as :func:`netdoctor.judge.diagnose` decides)."""
    chosen = report.settings.get("values", {})
    skipped = {item.code for item in report.not_checked}
    return [
        rule
        for rule in rules_for(chosen.get("select"), chosen.get("ignore"))
        if rule.concerns(report.recording) and rule.code not in skipped
    ]


def _threshold(report: Report) -> Severity | None:
    """The least severity that fails the run, as ``--fail-on`` set it (None for ``never``)."""
    fail_on = report.settings.get("values", {}).get("fail_on", Severity.ERROR.value)
    return None if fail_on == "never" else Severity(fail_on)


def _properties(report: Report, version: str, target: str) -> list[tuple[str, str]]:
    found = [
        ("verdict", report.verdict.value),
        ("version", version),
        (m.TARGET, target),
        ("root_causes", ", ".join(f"{f.code} {f.name}" for f in report.root_causes)),
        ("outcome", report.outcome.sentence if report.outcome is not None else ""),
    ]
    return [(name, value) for name, value in found if value]


def _case(classname: str, name: str, time: str = "0") -> ET.Element:
    return ET.Element("testcase", classname=classname, name=name, time=time)


def _classname(rule: Rule | None) -> str:
    """The module of the rule's family, ``netdoctor.rules.init``: where its check lives."""
    return rule.check.__module__ if rule is not None else "netdoctor.rules"


def _test_name(code: str, name: str) -> str:
    return f"{code} {name}"


def _run_case(report: Report, duration: float) -> ET.Element:
    """The training run itself: an error when it stopped before it was complete."""
    case = _case(SUITE, RUN_CASE, f"{duration:.3f}")
    reason = incomplete_reason(report.recording)
    if reason is not None:
        error = ET.SubElement(case, "error", type="incomplete", message=reason)
        error.text = str((report.recording.error or {}).get("detail") or reason)
    return case


def _rule_case(code: str, finding: Finding, threshold: Severity | None) -> ET.Element:
    """A rule that found something: failed at or above ``threshold``, else passed with output."""
    case = _case(_classname(REGISTRY.get(code)), _test_name(code, finding.name))
    if threshold is not None and finding.severity.at_least(threshold):
        failure = ET.SubElement(case, "failure", type=finding.severity.value, message=finding.gist())
        failure.text = _details(finding)
    else:
        ET.SubElement(case, "system-out").text = f"{finding.severity.value}: {_details(finding)}"
    return case


def _skipped_case(item: NotChecked) -> ET.Element:
    """A rule the run could not feed, with what was not measured."""
    case = _case(_classname(REGISTRY.get(item.code)), _test_name(item.code, item.name))
    skipped = ET.SubElement(case, "skipped", message=f"not measured: {', '.join(item.missing)}")
    lines = [f"not measured: {describe_metric(name)}" for name in item.missing]
    if item.central:
        lines.append("a healthy verdict rests on this rule: the run is unverified without it")
    skipped.text = "\n".join(lines)
    return case


def _details(finding: Finding) -> str:
    """The message, where it was found, the evidence, and the fix (or the finding it follows from)."""
    lines = [finding.message]
    if finding.all_layers:
        lines.append(f"layers: {', '.join(finding.all_layers)}")
    if finding.step is not None:
        lines.append(f"step: {finding.step}")
    if finding.source:
        lines.append(f"source: {finding.source}")
    lines += [f"evidence: {_evidence(item)}" for item in finding.evidence]
    if finding.verification is not None:
        lines.append(f"verified: {finding.verification.line}")
    lines.append(f"follows from: {finding.explained_by}" if finding.explained_by else f"fix: {finding.fix}")
    return "\n".join(lines)


def _evidence(item: Evidence) -> str:
    """``grad_norm = 0 at layer dense, step 0 (expected > 1e-06)``."""
    text = f"{item.metric} = {format_number(item.observed)}"
    where = [f"layer {item.layer}"] if item.layer else []
    if item.step is not None:
        where.append(f"step {item.step}")
    if where:
        text += f" at {', '.join(where)}"
    return text + (f" (expected {item.expected})" if item.expected else "")
