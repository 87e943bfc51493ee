"""What the judge hands to the reporters: severities, findings, the report and exit codes."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, fields
from typing import Any

#: Code prefix of the rules about the run's outcome; they sort after the causes.
SYMPTOM_FAMILY = "ND4"
#: Where a finding without a verification ranks among verified ones (see
#: ``netdoctor.verification.ORDER``): after confirmed and partial fixes, before refuted ones.
UNVERIFIED_RANK = (2, 0.0)


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
    layers: tuple[str, ...] = ()  # every layer the finding concerns (``layer`` is the first)
    explained_by: str | None = None  # the code of the finding this one follows from
    gated: bool = False  # an error only when the run fails or learns badly (set by the rule)
    rank: int = 0  # how directly the rule can explain a failure (its tier; 0 is most direct)
    verification: Any = None  # netdoctor.verification.Verification, when the fix was re-run

    @property
    def is_symptom(self) -> bool:
        """ND4xx findings describe the outcome (the loss, the accuracy), not a cause."""
        return self.code.startswith(SYMPTOM_FAMILY)

    @property
    def all_layers(self) -> tuple[str, ...]:
        """Every layer the finding concerns."""
        return self.layers or ((self.layer,) if self.layer else ())

    @property
    def is_root(self) -> bool:
        """Not explained by another finding of the same report."""
        return self.explained_by is None

    @property
    def verified_rank(self) -> tuple[int, float]:
        """Confirmed fixes first (largest effect first), then partial, unverified, refuted."""
        return self.verification.rank if self.verification is not None else UNVERIFIED_RANK

    @property
    def sort_key(self) -> tuple:
        """Root causes first, worst first, then by the measured effect of their fix where it was
        verified, the most direct first; then their consequences."""
        return (
            not self.is_root, self.severity.rank, self.verified_rank, self.rank, self.is_symptom, self.code,
            self.layer or "", self.step or 0,
        )  # fmt: skip

    def gist(self, width: int = 96) -> str:
        """The message's first sentence, cut at a clause boundary to fit ``width`` characters."""
        sentence = self.message.split(". ")[0].rstrip(".")
        if len(sentence) <= width:
            return sentence + "."
        cut = max(sentence.rfind(mark, 0, width - 4) for mark in ("; ", ": ", ", ", " ("))
        if cut > width // 3:
            return sentence[:cut] + " ..."
        words = sentence[: width - 3].rsplit(" ", 1)[0]  # never cut inside a word
        return words.rstrip(",;:") + " ..."

    def to_dict(self) -> dict[str, Any]:
        found = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("gated", "rank")}
        found.update(
            severity=self.severity.value,
            evidence=[e.to_dict() for e in self.evidence],
            layers=list(self.all_layers),
            verification=self.verification.to_dict() if self.verification is not None else None,
        )
        return found


@dataclass
class Report:
    """The judged run: findings (worst first) plus the recording they came from."""

    recording: Any  # netdoctor.recording.Recording (kept untyped to avoid an import cycle)
    findings: list[Finding] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    not_checked: list[NotChecked] = field(default_factory=list)
    outcome: Any = None  # netdoctor.readings.Outcome, set by the judge
    verification: dict[str, Any] | None = None  # budget, runs and seconds of --verify, when it ran

    def __post_init__(self) -> None:
        self.findings = sorted(self.findings, key=lambda f: f.sort_key)

    @property
    def root_causes(self) -> list[Finding]:
        """The findings that no other explains, most direct first (outcomes only when nothing
        else was found)."""
        roots = [f for f in self.findings if f.is_root and not f.is_symptom]
        return roots or [f for f in self.findings if f.is_root]

    def consequences(self, cause: Finding) -> list[Finding]:
        """The findings explained by ``cause``."""
        return [f for f in self.findings if f.explained_by == cause.code]

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

    def to_json(self) -> str:
        """The report as ``netdoctor check --format json`` writes it."""
        from netdoctor.api import to_json

        return to_json(self)

    def to_dict(self) -> dict[str, Any]:
        """:meth:`to_json`'s document as plain data."""
        from netdoctor.api import to_dict

        return to_dict(self)

    def _repr_html_(self) -> str:
        """The HTML report as a notebook cell shows it."""
        from netdoctor import __version__
        from netdoctor.output.html import render_html

        return render_html(self, __version__, fragment=True)
