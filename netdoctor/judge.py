"""Judge a recording: run the selected rules and collect their findings into a report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netdoctor.findings import NotChecked, Report
from netdoctor.recording import Recording
from netdoctor.rules import Rule, all_rules


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


def rules_for(select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> list[Rule]:
    return [r for r in all_rules() if selected(r.code, select, ignore)]


def diagnose(
    recording: Recording,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    settings: dict[str, Any] | None = None,
) -> Report:
    """Run every selected rule that concerns ``recording``; list those whose inputs the run did
    not measure as not checked. ``options`` maps a rule code to its options."""
    findings, not_checked = [], []
    for rule in rules_for(select, ignore):
        if not rule.concerns(recording):
            continue
        missing = rule.missing(recording)
        if missing:
            not_checked.append(NotChecked(rule.code, rule.name, tuple(missing), rule.central))
            continue
        findings.extend(rule.run(recording, (options or {}).get(rule.code)))
    return Report(recording=recording, findings=findings, settings=dict(settings or {}), not_checked=not_checked)
