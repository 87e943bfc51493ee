"""What the judge hands to the reporters: severities, findings, the report and exit codes."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

#: Code prefix of the rules about the run's outcome; they sort after the causes.
SYMPTOM_FAMILY = "ND4"


class Severity(str, enum.Enum):
    """How bad a finding is. Ordered: ``error`` > ``warning`` > ``info``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe, so findings sort worst first."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]

    def at_least(self, other: Severity) -> bool:
        return self.rank <= other.rank


class ExitCode(enum.IntEnum):
    """Process exit codes of ``netdoctor check``."""

    #: No finding at or above the ``--fail-on`` threshold.
    OK = 0
    #: At least one finding at or above the threshold.
    FINDINGS = 1
    #: Bad usage, an unloadable target or data, an incomplete run, or an internal error.
    ERROR = 2


class Verdict(str, enum.Enum):
    """One word for the whole run."""

    #: Every central rule ran and none found an error.
    HEALTHY = "healthy"
    #: At least one error.
    SICK = "sick"
    #: No error, but some central rules could not run: the observer did not measure what they need.
    UNVERIFIED = "unverified"
    #: The run stopped before it was complete.
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class NotChecked:
    """A rule that could not run because the run's observer did not measure what it needs."""

    code: str
    name: str
    missing: tuple[str, ...]
    central: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "missing": list(self.missing), "central": self.central}


@dataclass(frozen=True)
class Evidence:
    """One measured number behind a finding, with the range it was expected in."""

    metric: str
    observed: float | int | str | None
    expected: str = ""
    layer: str | None = None
    step: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Finding:
    """A problem the judge found: what is wrong (message, with numbers) and what to do (fix)."""

    code: str
    name: str
    severity: Severity
    message: str
    fix: str
    layer: str | None = None
    step: int | None = None
    evidence: tuple[Evidence, ...] = ()
    source: str | None = None  # "file.py:LINE" in the user's program, when known

    @property
    def is_symptom(self) -> bool:
        """ND4xx findings describe the outcome (the loss, the accuracy), not a cause."""
        return self.code.startswith(SYMPTOM_FAMILY)

    @property
    def sort_key(self) -> tuple:
        """Worst first; within a severity, causes before the symptoms they explain."""
        return (self.severity.rank, self.is_symptom, self.code, self.layer or "", self.step or 0)

    def to_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found.update(severity=self.severity.value, evidence=[e.to_dict() for e in self.evidence])
        return found


@dataclass
class Report:
    """The judged run: findings (worst first) plus the recording they came from."""

    recording: Any  # netdoctor.recording.Recording (kept untyped to avoid an import cycle)
    findings: list[Finding] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    not_checked: list[NotChecked] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.findings = sorted(self.findings, key=lambda f: f.sort_key)

    @property
    def verdict(self) -> Verdict:
        if not self.recording.complete:
            return Verdict.INCOMPLETE
        if any(f.severity is Severity.ERROR for f in self.findings):
            return Verdict.SICK
        if any(item.central for item in self.not_checked):
            return Verdict.UNVERIFIED
        return Verdict.HEALTHY

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def exit_code(self, fail_on: str = "error") -> ExitCode:
        """Map the report to an exit code; ``fail_on`` is error, warning, info or never."""
        if not self.recording.complete:
            return ExitCode.ERROR
        if fail_on == "never":
            return ExitCode.OK
        threshold = Severity(fail_on)
        if any(f.severity.at_least(threshold) for f in self.findings):
            return ExitCode.FINDINGS
        return ExitCode.OK
