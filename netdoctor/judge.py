"""Judge a recording: run the selected rules, then apply the severity policy once, from the rules'
metadata: gating by the outcome, one finding per rule, and which finding explains which."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from netdoctor import readings
from netdoctor.findings import Evidence, Finding, NotChecked, Report, Severity
from netdoctor.recording import Recording
from netdoctor.rules import REGISTRY, Rule, all_rules
from netdoctor.rules.registry import TIERS


def _longest_match(code: str, selectors: Iterable[str]) -> int:
    """Length of the longest selector that is a prefix of ``code`` (``ALL`` counts 0; none -1)."""
    lengths = [
        0 if selector.upper() == "ALL" else len(selector)
        for selector in selectors
        if selector.upper() == "ALL" or code.startswith(selector.upper())
    ]
    return max(lengths, default=-1)


def selected(code: str, select: Iterable[str] | None, ignore: Iterable[str] | None) -> bool:
    """Prefix selection as in ruff: the more specific selector wins; on a tie, ignore wins."""
    chosen = _longest_match(code, select or ["ALL"])
    return chosen >= 0 and chosen > _longest_match(code, ignore or [])


def selector_problem(selector: str) -> str | None:
    """Why ``selector`` selects no rule (with the closest known code), or None when it selects some."""
    codes = [r.code for r in all_rules()]
    key = selector.upper()
    if key == "ALL" or any(code.startswith(key) for code in codes):
        return None
    close = difflib.get_close_matches(key, codes, n=1)
    return f"{selector!r} is no rule code or prefix" + (f"; did you mean {close[0]}?" if close else "")


def rules_for(select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> list[Rule]:
    return [r for r in all_rules() if selected(r.code, select, ignore)]


def _gate(finding: Finding, outcome: readings.Outcome) -> Finding:
    """A gated finding is an error only when the run fails or learns badly."""
    if finding.gated and finding.severity is Severity.ERROR and not outcome.failed:
        return replace(finding, severity=Severity.WARNING)
    return finding


def _merged(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and fix: the same problem in several layers is said once, naming
    every layer, with the evidence of all."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.code, []).append(finding)
    merged = []
    for group in groups.values():
        first = group[0]
        layers = tuple(dict.fromkeys(f.layer for f in group if f.layer))
        if len(group) == 1:
            merged.append(replace(first, layers=layers))
            continue
        others = ", ".join(f"`{layer}`" for layer in layers[1:])
        message = first.message + (f" The same holds for {others}." if others else "")
        evidence: tuple[Evidence, ...] = tuple(e for f in group for e in f.evidence)
        worst = min(group, key=lambda f: f.severity.rank)
        merged.append(replace(worst, message=message, evidence=evidence, layers=layers, layer=first.layer))
    return merged


def _explained(findings: list[Finding], refuted: frozenset[str] = frozenset()) -> list[Finding]:
    """Mark each finding with the finding that explains it, if one is present: one its rule
    names, or, for an outcome, the most direct cause found at error level. Findings whose fix
    a re-run ``refuted`` explain nothing."""
    ranked = sorted(
        (f for f in findings if f.code not in refuted), key=lambda f: (f.severity.rank, f.verified_rank, f.rank, f.code)
    )
    causes = [f for f in ranked if not f.is_symptom and f.severity is Severity.ERROR]
    result = []
    for finding in findings:
        rule = REGISTRY.get(finding.code)
        if rule is not None and rule.tier == "outcome":
            explainer = next(iter(_roots(causes)), None)
        else:
            names = rule.explained_by if rule is not None else frozenset()
            explainer = next((f for f in ranked if f.code in names and f.code != finding.code), None)
        result.append(replace(finding, explained_by=explainer.code if explainer is not None else None))
    return result


def _roots(causes: list[Finding]) -> list[Finding]:
    """Of ``causes``, those no other cause among them explains."""
    present = {f.code for f in causes}
    return [f for f in causes if not (REGISTRY[f.code].explained_by & (present - {f.code}))]


def diagnose(
    recording: Recording,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    settings: dict[str, Any] | None = None,
) -> Report:
    """Run every selected rule that concerns ``recording``; list those whose inputs the run did
    not measure as not checked; gate, merge and explain the findings. ``options`` maps a rule
    code to its options."""
    outcome = readings.outcome(recording)
    findings, not_checked = [], []
    for rule in rules_for(select, ignore):
        if not rule.concerns(recording):
            continue
        missing = rule.missing(recording)
        if missing:
            not_checked.append(NotChecked(rule.code, rule.name, tuple(missing), rule.central))
            continue
        rank = TIERS.index(rule.tier)
        if rule.tier == "outcome" and outcome.measure not in rule.requires:
            rank += 1  # the outcome read from the verdict's own measure leads
        findings.extend(
            replace(_gate(f, outcome), rank=rank) for f in rule.run(recording, (options or {}).get(rule.code))
        )
    findings = _explained(_merged(findings))
    return Report(
        recording=recording,
        findings=findings,
        settings=dict(settings or {}),
        not_checked=not_checked,
        outcome=outcome,
    )


def verified(report: Report, verifications: dict[str, Any]) -> Report:
    """The report with each finding's verification (``netdoctor.verification``) attached: a
    gated finding whose fix was refuted is demoted to a warning and explains nothing, as long as
    the run stays sick without it (a fix that does not help proves no health); root causes are
    ranked by the measured effect of their fixes."""
    from netdoctor.verification import REFUTED

    refuted = {code for code, v in verifications.items() if v.verdict == REFUTED and REGISTRY[code].gated}
    errors = {f.code for f in report.findings if f.severity is Severity.ERROR}
    if errors and errors <= refuted:
        refuted = set()
    findings = []
    for finding in report.findings:
        verification = verifications.get(finding.code)
        if verification is None:
            findings.append(replace(finding, explained_by=None))
            continue
        demoted = finding.code in refuted and finding.severity is Severity.ERROR
        severity = Severity.WARNING if demoted else finding.severity
        verification = replace(verification, demoted=demoted)
        findings.append(replace(finding, verification=verification, severity=severity, explained_by=None))
    return Report(
        recording=report.recording,
        findings=_explained(findings, frozenset(refuted)),
        settings=report.settings,
        not_checked=report.not_checked,
        outcome=report.outcome,
    )
