"""The ``text`` format: a Rich rendering for people at a terminal."""

from __future__ import annotations

import math
from dataclasses import fields
from typing import Any

import numpy as np
from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from netdoctor import metrics as m
from netdoctor.findings import SYMPTOM_FAMILY, Evidence, Finding, Report, Severity, Verdict
from netdoctor.output.summary import (
    describe_metric,
    format_number,
    format_percent,
    incomplete_output,
    incomplete_reason,
    layer_rows,
    run_summary,
)
from netdoctor.recording import Recording
from netdoctor.rules import REGISTRY

SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
VERDICT_STYLE = {
    Verdict.SICK: "bold red",
    Verdict.HEALTHY: "bold green",
    Verdict.UNVERIFIED: "bold yellow",
    Verdict.INCOMPLETE: "bold yellow",
}
#: The columns of a finding's evidence table: the fields of Evidence.
EVIDENCE_COLUMNS = tuple(f.name for f in fields(Evidence))
SPARK_BARS = "▁▂▃▄▅▆▇█"
SPARK_POINTS = 40


def make_console(stderr: bool = False, no_color: bool = False) -> Console:
    """A console for reports: no auto-highlighting; colour off with ``no_color`` or ``NO_COLOR``."""
    return Console(stderr=stderr, no_color=no_color or None, highlight=False)


def render_text(report: Report, console: Console) -> None:
    """Print the verdict, the diagnosis (root causes with their fixes and what each explains),
    the evidence of each finding, what was not checked, the layers, trends and run facts, and a
    last line that names the top cause."""
    rec = report.recording
    target = str(rec.meta.get(m.TARGET) or "the model")
    console.print(_verdict_line(report, target))
    last_lines = incomplete_output(rec)
    if last_lines:
        console.print(Text("the target's last output:", style="dim"))
        for line in last_lines:
            console.print(Text(f"  {line}", style="dim"), soft_wrap=True)
    if report.findings or report.outcome is not None:
        console.print()
        console.print(_diagnosis(report))
    if report.findings:
        console.print()
        console.print(Text("Evidence", style="bold"))
        for finding in report.findings:
            _print_finding(finding, console)
    if report.not_checked:
        console.print()
        console.print(_not_checked(report))
    rows = layer_rows(rec)
    if rows:
        console.print()
        console.print(_layer_table(rows))
    trends = _trends(rec)
    if trends.plain:
        console.print()
        console.print(trends)
    console.print()
    console.print(_facts(report))
    for note in rec.meta.get(m.NOTES) or []:
        console.print(Text(f"note: {note}", style="dim"))
    console.print()
    console.print(Text(summary_line(report), style="bold"))


def summary_line(report: Report) -> str:
    """The last line: how many findings, and the top cause."""
    target = str(report.recording.meta.get(m.TARGET) or "the model")
    found = f"Found {_plural(len(report.findings), 'finding')}"
    if report.findings:
        found += f" ({_counts(report)})"
    found += f" in {target}"
    roots = report.root_causes
    if roots:
        found += f"; root cause: {roots[0].code} {roots[0].name}"
    return found


def _headline(finding: Finding) -> str:
    """The finding's message up to the first sentence with a number in it (two at most)."""
    sentences = finding.message.split(". ")
    taken = [sentences[0]]
    if not any(ch.isdigit() for ch in sentences[0]) and len(sentences) > 1:
        taken.append(sentences[1])
    text = ". ".join(taken)
    return text if text.endswith(".") else text + "."


def _diagnosis(report: Report) -> Table:
    """The outcome against the references, then each root cause: its code, layers, headline and
    fix, and the codes it explains."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    if report.outcome is not None:
        grid.add_row(Text("Diagnosis", style="bold"), Text(report.outcome.sentence))
    roots = report.root_causes
    for number, cause in enumerate(roots, start=1):
        style = SEVERITY_STYLE[cause.severity]
        layers = f" ({', '.join(cause.all_layers)})" if cause.all_layers else ""
        lines = Text.assemble((f"{cause.code} {cause.name}", f"bold {style}"), f"{layers}: {_headline(cause)}")
        lines.append("\nfix: ", style="bold")
        lines.append(cause.fix)
        if cause.verification is not None:
            lines.append("\n")
            lines.append_text(_verification(cause.verification))
        explained = report.consequences(cause)
        if explained:
            lines.append("\nexplains: " + ", ".join(f"{f.code} {f.name}" for f in explained), style="dim")
        grid.add_row(Text(f"{number:>8}."), lines)
    if roots and all(cause.is_symptom for cause in roots):
        ruled_out = sorted(
            REGISTRY[code].name
            for code in set(REGISTRY) - {f.code for f in report.findings} - {n.code for n in report.not_checked}
            if not code.startswith(SYMPTOM_FAMILY)
        )
        grid.add_row("", Text(f"no specific cause found; ruled out: {', '.join(ruled_out)}", style="dim"))
    return grid


#: How each verification verdict is shown.
VERIFICATION_STYLE = {"confirmed": "green", "partial": "yellow", "refuted": "red", "not verifiable": "dim"}


def _verification(verification: Any) -> Text:
    """``verified: confirmed: with ..., held-out accuracy 0.595 against 0.100 unchanged (...)``,
    the demotion of a refuted finding, and the fix as a diff of the user's file."""
    text = Text("verified: ", style="bold")
    text.append(verification.line, style=VERIFICATION_STYLE.get(verification.verdict, ""))
    if verification.together_with:
        text.append(f" (together with the fix of {', '.join(verification.together_with)})")
    if verification.demoted:
        text.append("; so this is not what stops the run: demoted to a warning", style="red")
    elif verification.verdict == "refuted":
        text.append("; the run still fails with it: the cause lies elsewhere, or needs more than this fix", style="red")
    if verification.diff:
        text.append("\n" + verification.diff.rstrip("\n"), style="dim")
    return text


def _print_finding(finding: Finding, console: Console) -> None:
    """A root cause with its evidence table and source; a consequence in its message alone."""
    style = SEVERITY_STYLE[finding.severity]
    header = Text.assemble(
        (f"{finding.code} {finding.name}", f"bold {style}"), "  ", (finding.severity.value, style)
    )
    if finding.all_layers:
        header.append(f"  layer{'s' if len(finding.all_layers) > 1 else ''} {', '.join(finding.all_layers)}")
    if finding.step is not None:
        header.append(f"  step {finding.step:,}")
    if finding.explained_by:
        header.append(f"  (follows from {finding.explained_by})", style="dim")
    console.print(header)
    if not finding.is_root:  # a consequence: what it says is enough, its cause has the fix
        console.print(_indent(Text(finding.gist())))
        return
    console.print(_indent(Text(finding.message)))
    if finding.evidence:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False)
        for column in EVIDENCE_COLUMNS:
            table.add_column(column)
        for item in finding.evidence:
            table.add_row(*_cells(*(_cell(getattr(item, column)) for column in EVIDENCE_COLUMNS)))
        console.print(_indent(table))
    if finding.source:
        console.print(_indent(Text(f"source: {finding.source}", style="dim")))


def text_report(report: Report, console: Console) -> str:
    """The rendered report as a string, without Rich's trailing padding on each line."""
    with console.capture() as captured:
        render_text(report, console)
    return "\n".join(line.rstrip() for line in captured.get().splitlines())


def sparkline(values: np.ndarray, low: float | None = None, high: float | None = None) -> str:
    """Downsample to at most 40 chunk means and draw them as bars; ``×`` marks non-finite chunks.

    The scale runs from ``low`` to ``high`` (default: the smallest and largest chunk mean).
    """
    means = _downsample(values)
    finite = means[np.isfinite(means)]
    if finite.size == 0:
        return "×" * means.size
    low = float(finite.min()) if low is None else low
    high = float(finite.max()) if high is None else high
    top = len(SPARK_BARS) - 1
    bars = []
    for mean in means:
        if not math.isfinite(mean):
            bars.append("×")
        elif high <= low:
            bars.append(SPARK_BARS[top // 2])
        else:
            level = round((min(max(mean, low), high) - low) / (high - low) * top)
            bars.append(SPARK_BARS[level])
    return "".join(bars)


def _verdict_line(report: Report, target: str) -> Text:
    verdict, rec = report.verdict, report.recording
    if verdict is Verdict.INCOMPLETE:
        detail = f"the run stopped at step {rec.steps}: {incomplete_reason(rec)}"
    elif verdict is Verdict.SICK:
        top = report.root_causes[0]
        detail = f"root cause {top.code} {top.name}; {_counts(report)}"
    elif verdict is Verdict.UNVERIFIED:
        central = [item.code for item in report.not_checked if item.central]
        detail = (
            f"{_counts(report) or 'no findings'}, but {_plural(len(central), 'central rule')} "
            f"could not run ({', '.join(central)}): see Not checked"
        )
    else:
        detail = _counts(report) or "no findings"
    cut = cut_short(rec)
    if cut and verdict in (Verdict.HEALTHY, Verdict.UNVERIFIED):
        detail += f" {cut}"
    return Text.assemble(
        "netdoctor: ",
        (target, "bold"),
        " is ",
        (f"{verdict.value.upper()} — {detail}", VERDICT_STYLE[verdict]),
    )


def cut_short(rec: Recording) -> str:
    """``in the first 150 of 1,600 planned steps`` when --steps stopped the run early."""
    if not rec.meta.get(m.STOPPED):
        return ""
    planned = rec.meta.get(m.STEPS_PLANNED)
    if planned and planned > rec.steps:
        return f"in the first {rec.steps:,} of {planned:,} planned steps (--steps)"
    return f"in the first {rec.steps:,} steps (--steps stopped the script)"


def _not_checked(report: Report) -> Text:
    """One line per rule that could not run, with what its observer did not measure."""
    text = Text("Not checked", style="bold")
    for item in report.not_checked:
        missing = ", ".join(describe_metric(name) for name in item.missing)
        text.append(f"\n  {item.code} {item.name}: ")
        text.append(f"not measured: {missing}", style="dim")
    return text


def _layer_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="Layers", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("layer")
    table.add_column("kind")
    for header in ("units", "weight std", "grad norm", "dead", "symmetric"):
        table.add_column(header, justify="right")
    table.add_column("update ratio", justify="right")
    for row in rows:
        kind = row["kind"] + (f" ({row['activation']})" if row["activation"] else "")
        std = _arrow(row["weight_std_start"], row["weight_std_end"], format_number)
        table.add_row(
            *_cells(
                row["name"],
                kind,
                format_number(row["units"]),
                std,
                format_number(row[m.GRAD_NORM]),
                format_percent(row[m.DEAD_FRACTION]),
                format_percent(row[m.SYMMETRIC_FRACTION]),
                format_number(row[m.UPDATE_RATIO]),
            )
        )
    return table


def _trends(rec: Recording) -> Text:
    """Sparklines of per-step train loss (own scale) and accuracy (0 to 1), with start → end."""
    lines = Text()
    for label, values, scale, fmt in (
        (m.LOSS, rec.train_loss, (None, None), format_number),
        (m.ACCURACY, rec.train_accuracy, (0.0, 1.0), format_percent),
    ):
        if not np.isfinite(values).any():
            continue
        points = _downsample(values)
        finite = points[np.isfinite(points)]
        if lines.plain:
            lines.append("\n")
        lines.append(f"{label:<9}")
        lines.append(sparkline(values, *scale), style="cyan")
        lines.append(f"  {_arrow(finite[0], finite[-1], fmt)}")
    return lines


def _facts(report: Report) -> Table:
    """The run in a few lines: what was observed, on what data, how long."""
    rec = report.recording
    meta = rec.meta
    summary = run_summary(report)
    steps = f"{format_number(summary['steps'])} steps"
    if meta.get(m.STEPS_PLANNED):
        steps += f" of {format_number(meta[m.STEPS_PLANNED])} planned"
    elif meta.get(m.STEPS_LIMIT):
        steps += f" (at most {format_number(meta[m.STEPS_LIMIT])}: --steps)"
    run = [steps]
    if meta.get(m.BATCH_SIZE):
        run.append(f"batch size {format_number(meta[m.BATCH_SIZE])}")
    if meta.get(m.SEED) is not None:
        run.append(f"seed {meta[m.SEED]}")
    if summary["duration_s"] is not None:
        run.append(f"{summary['duration_s']:.1f} s")
    facts = [(m.TARGET, meta.get(m.TARGET)), (m.MODEL, meta.get(m.MODEL)), (m.DATA, meta.get(m.DATA)), ("run", ", ".join(run))]
    if report.verification is not None:
        done = report.verification
        verified = f"{done['runs']} re-runs of at most {done['budget_steps']:,} steps, {done['seconds']:.1f} s"
        facts.append(("verified", verified + (" (interrupted)" if done.get("interrupted") else "")))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    for name, value in facts:
        if value is not None:
            grid.add_row(Text(name), Text(format_number(value)))
    return grid


def _cell(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else format_number(value)


def _cells(*values: str) -> list[Text]:
    """Table cells as Text, so user strings are never read as markup."""
    return [Text(value) for value in values]


def _indent(renderable: Any) -> Padding:
    return Padding(renderable, (0, 0, 0, 2), expand=False)


def _arrow(start: float | None, end: float | None, fmt: Any) -> str:
    """``start → end``, or a single dash when neither is known."""
    if start is None and end is None:
        return fmt(None)
    return f"{fmt(start)} → {fmt(end)}"


def _percent_or_none(fraction: float | None) -> str | None:
    return None if fraction is None else format_percent(fraction)


def _downsample(values: np.ndarray) -> np.ndarray:
    """Means of the finite values in at most 40 consecutive chunks (NaN for an empty chunk)."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return values
    chunks = np.array_split(values, min(SPARK_POINTS, values.size))
    return np.array([_finite_mean(chunk) for chunk in chunks])


def _finite_mean(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else math.nan


def _counts(report: Report) -> str:
    return ", ".join(
        _plural(report.count(severity), severity.value)
        for severity in Severity
        if report.count(severity)
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
