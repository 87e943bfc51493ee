"""The rule registry: the ``@rule`` decorator, rule metadata and the context a rule runs in."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import Recording

CheckFunction = Callable[[Recording, "RuleContext"], Iterable[Finding]]
Applies = Callable[[Recording], bool]

#: Every registered rule by code. Filled by ``@rule`` when ``netdoctor.rules`` imports the families.
REGISTRY: dict[str, Rule] = {}


@dataclass(frozen=True)
class Rule:
    """A check over a recording. Its docstring (the check function's) is its documentation."""

    code: str
    name: str
    severity: Severity  # the most severe level it reports at
    summary: str
    check: CheckFunction
    options: dict[str, Any] = field(default_factory=dict)
    #: Metric names (netdoctor.metrics) the rule reads; without them it cannot check anything.
    requires: frozenset[str] = frozenset()
    #: Whether the rule is one of those a verdict of health rests on.
    central: bool = False
    #: Whether the rule concerns this run at all (a classifier-only rule on a regression does not).
    applies: Applies | None = None

    @property
    def family(self) -> str:
        return self.code[:3]

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or self.summary)

    def run(self, recording: Recording, options: dict[str, Any] | None = None) -> list[Finding]:
        merged = {**self.options, **(options or {})}
        return list(self.check(recording, RuleContext(self, merged)))

    def concerns(self, recording: Recording) -> bool:
        return self.applies is None or self.applies(recording)

    def missing(self, recording: Recording) -> list[str]:
        """The metrics this rule needs that the run's observers did not provide."""
        return sorted(self.requires - recording.provided)


@dataclass(frozen=True)
class RuleContext:
    """What a check function gets besides the recording: its options and a finding factory."""

    rule: Rule
    options: dict[str, Any]

    def __getitem__(self, option: str) -> Any:
        return self.options[option]

    def finding(
        self,
        message: str,
        fix: str,
        *,
        severity: Severity | None = None,
        layer: str | None = None,
        step: int | None = None,
        evidence: Iterable[Evidence] = (),
        source: str | None = None,
    ) -> Finding:
        return Finding(
            code=self.rule.code,
            name=self.rule.name,
            severity=severity or self.rule.severity,
            message=message,
            fix=fix,
            layer=layer,
            step=step,
            evidence=tuple(evidence),
            source=source,
        )


def rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    requires: Iterable[str] = (),
    central: bool = False,
    applies: Applies | None = None,
    **options: Any,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under ``code``. ``requires`` names the metrics it reads,
    ``central`` marks it as one a healthy verdict needs, ``applies`` says whether a run concerns
    it; other keyword arguments are its options' defaults."""

    def register(check: CheckFunction) -> CheckFunction:
        if code in REGISTRY:
            raise ValueError(f"rule code {code} registered twice")
        REGISTRY[code] = Rule(
            code, name, severity, summary, check, dict(options), frozenset(requires), central, applies
        )
        return check

    return register
