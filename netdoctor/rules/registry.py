"""The rule registry: the ``@rule`` decorator, rule metadata and the context a rule runs in.

The severity policy lives in the metadata, and the judge applies it once:

- ``gated``: what the rule finds is an error only when the run fails or learns badly; on a run
  that learns it is a warning (a finding may say it is certain on its own instead);
- ``explained_by``: the rules whose findings, when present, explain this one, so it is reported
  as their consequence;
- ``tier``: how directly a finding of the rule can explain a failure, from a defect certain on
  its own to the outcome itself; root causes are ranked by it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import Recording

CheckFunction = Callable[[Recording, "RuleContext"], Iterable[Finding]]
Applies = Callable[[Recording], bool]

#: Tiers, most direct first: a defect certain on its own (a wrong loss, unapplied gradients),
#: a cause in the data or the hyperparameters, a mechanism that carries a cause to the
#: outcome (dead units, exploding gradients), and the outcome itself.
TIERS = ("defect", "cause", "mechanism", "outcome")

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
    gated: bool = False
    explained_by: frozenset[str] = frozenset()
    tier: str = "mechanism"

    @property
    def family(self) -> str:
        return self.code[:3]

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or self.summary)

    @property
    def severity_policy(self) -> str:
        """How the rule's severity is decided, in words."""
        if self.gated:
            return "error when the run fails or learns badly, warning otherwise"
        return self.severity.value

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
        certain: bool = False,
    ) -> Finding:
        """A finding of this rule; ``certain`` exempts it from the rule's gating."""
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
            gated=self.rule.gated and not certain and severity is None,
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
    gated: bool = False,
    explained_by: Iterable[str] = (),
    tier: str = "mechanism",
    **options: Any,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under ``code``. ``requires`` names the metrics it reads,
    ``central`` marks it as one a healthy verdict needs, ``applies`` says whether a run concerns
    it, ``gated``/``explained_by``/``tier`` set its severity policy; other keyword arguments are
    its options' defaults."""
    if tier not in TIERS:
        raise ValueError(f"{code}: tier must be one of {', '.join(TIERS)}")

    def register(check: CheckFunction) -> CheckFunction:
        if code in REGISTRY:
            raise ValueError(f"rule code {code} registered twice")
        REGISTRY[code] = Rule(
            code, name, severity, summary, check, dict(options), frozenset(requires), central, applies,
            gated, frozenset(explained_by), tier,
        )  # fmt: skip
        return check

    return register
