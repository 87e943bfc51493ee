"""Score netdoctor on the corpus: is the first root cause of each buggy program one of its
expected codes, and does each healthy program get no error?

    python tests/corpus/score.py                 # every program, a table and the score
    python tests/corpus/score.py fit/ loop/x.py  # only programs whose path starts with these
    python tests/corpus/score.py --json out.json # also the per-program results
    python tests/corpus/score.py --round 3       # only one round (round3.toml)
    python tests/corpus/score.py --verify        # also verify each sick program's fixes

Each program is checked as ``netdoctor check PROGRAM`` would (default settings, seed 0), in one
long-lived observer process for the whole corpus. A program whose expected answer is
``error`` must end in its own error (exit 2), which the report names first; a program that
ends in an error is scored ``error`` whatever else its report finds. Programs come from
``manifest.toml`` (round 1), ``round2.toml`` and ``round3.toml`` (rounds 2 and 3, each written
later without looking at the rules); the score is given per round.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from netdoctor.config import Settings
from netdoctor.findings import Severity
from netdoctor.judge import diagnose
from netdoctor.supervise import observe, shared_observer
from netdoctor.target import inspect_target
from netdoctor.verification import verify_report

CORPUS = Path(__file__).resolve().parent
MANIFESTS = ("manifest.toml", "round2.toml", "round3.toml", "round4.toml", "round5.toml")


@dataclass
class Scored:
    file: str
    kind: str
    healthy: bool
    expected: list[str]
    verdict: str = ""
    first: str | None = None  # the first root cause's code (or "error")
    codes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    round: int = 1
    verified: dict[str, str] = field(default_factory=dict)  # finding code -> verification verdict
    verify_runs: int = 0
    verify_seconds: float = 0.0

    @property
    def correct(self) -> bool:
        if self.healthy:
            return not self.errors and self.verdict != "error"
        return self.first in self.expected


def check(entry: dict, settings: Settings, verify: bool) -> Scored:
    scored = Scored(entry["file"], entry["kind"], entry["healthy"], list(entry["expected"]), round=entry.get("round", 1))
    started = time.perf_counter()
    target = inspect_target(CORPUS / entry["file"])
    recording = observe(
        target, steps=settings.steps, batch_size=settings.batch_size, data=settings.data, seed=settings.seed
    )
    scored.seconds = time.perf_counter() - started
    if recording.error is not None and recording.train_loss.size == 0:
        scored.verdict, scored.first = "error", "error"
        return scored
    report = diagnose(recording)
    crashed = recording.error is not None  # the report leads with the program's own error
    if verify and report.verdict.value == "sick":
        report = verify_report(report, target, batch_size=settings.batch_size, data=settings.data)
        scored.verified = {f.code: f.verification.verdict for f in report.findings if f.verification is not None}
        scored.verify_runs = report.verification["runs"]
        scored.verify_seconds = report.verification["seconds"]
    scored.verdict = "error" if crashed else report.verdict.value
    roots = report.root_causes
    scored.first = "error" if crashed else roots[0].code if roots else None
    scored.codes = [f.code for f in report.findings]
    scored.errors = [f.code for f in report.findings if f.severity is Severity.ERROR]
    return scored


def table(results: list[Scored]) -> str:
    lines = ["| program | kind | expected | netdoctor's first cause | findings | |", "|---|---|---|---|---|---|"]
    for r in results:
        expected = "healthy" if r.healthy else ", ".join(r.expected)
        first = ("no error" if not r.errors else f"errors: {', '.join(r.errors)}") if r.healthy else (r.first or "none")
        lines.append(
            f"| {r.file} | {r.kind} | {expected} | {first} | {' '.join(r.codes)} | {'ok' if r.correct else 'MISS'} |"
        )
    return "\n".join(lines)


def verification_summary(results: list[Scored]) -> str:
    """How the verified fixes came out: the expected causes' and the other hypotheses'."""
    true_causes, other = {}, {}
    for r in results:
        for code, verdict in r.verified.items():
            bucket = true_causes if code in r.expected else other
            bucket[verdict] = bucket.get(verdict, 0) + 1
    checked = sum(r.seconds for r in results if r.verify_runs)
    spent = sum(r.verify_seconds for r in results)
    healthy_runs = sum(r.verify_runs for r in results if r.healthy)
    lines = [
        "verification of the expected causes: " + _counts(true_causes),
        "verification of the other hypotheses: " + _counts(other),
        f"verification time: {spent:.0f} s beside {checked:.0f} s of checking those programs "
        f"({spent / max(checked, 1e-9):.2f} x); re-runs on healthy programs: {healthy_runs}",
    ]
    return "\n".join(lines)


def _counts(verdicts: dict[str, int]) -> str:
    return ", ".join(f"{verdict} {n}" for verdict, n in sorted(verdicts.items())) or "none"


def summary(results: list[Scored]) -> str:
    buggy = [r for r in results if not r.healthy]
    healthy = [r for r in results if r.healthy]
    right = sum(r.correct for r in buggy)
    clean = sum(r.correct for r in healthy)
    flagged = sum(bool(r.errors) or r.verdict == "error" for r in buggy)
    lines = [
        f"root cause named first: {right} of {len(buggy)} buggy programs ({right / max(len(buggy), 1):.0%})",
        f"buggy programs with an error (exit 1 or a one-line error): {flagged} of {len(buggy)}",
        f"healthy without an error: {clean} of {len(healthy)}",
    ]
    for kind in ("model", "fit", "loop", "tf1"):
        of_kind = [r for r in buggy if r.kind == kind]
        if of_kind:
            lines.append(f"  {kind}: {sum(r.correct for r in of_kind)} of {len(of_kind)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="paths (relative to tests/corpus) or their prefixes")
    parser.add_argument("--json", type=Path, help="write the per-program results here")
    parser.add_argument("--min-score", type=float, default=0.0, help="exit 1 below this share of buggy programs")
    parser.add_argument("--round", type=int, help="only the programs of this round")
    parser.add_argument("--verify", action="store_true", help="verify the fixes of every sick program")
    args = parser.parse_args(argv)
    entries = [
        entry
        for manifest in MANIFESTS
        for entry in tomllib.loads((CORPUS / manifest).read_text(encoding="utf-8"))["program"]
    ]
    entries = [e for e in entries if not args.only or any(e["file"].startswith(p) for p in args.only)]
    entries = [e for e in entries if args.round is None or e.get("round", 1) == args.round]
    settings = Settings()
    results = []
    with shared_observer():
        for entry in entries:
            scored = check(entry, settings, args.verify)
            results.append(scored)
            mark = "ok  " if scored.correct else "MISS"
            verified = " ".join(f"{c}:{v}" for c, v in scored.verified.items())
            print(f"{mark} {scored.file:<40} {scored.first or '-':<8} {' '.join(scored.codes)}  {verified}", file=sys.stderr)
    print(table(results))
    for round_ in sorted({r.round for r in results}):
        print()
        print(f"round {round_}:")
        print(summary([r for r in results if r.round == round_]))
    if args.verify:
        print()
        print(verification_summary(results))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=2))
    buggy = [r for r in results if not r.healthy]
    score = sum(r.correct for r in buggy) / max(len(buggy), 1)
    healthy_ok = all(r.correct for r in results if r.healthy)
    return 0 if score >= args.min_score and healthy_ok else 1


if __name__ == "__main__":
    sys.exit(main())
