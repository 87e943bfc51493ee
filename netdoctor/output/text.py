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
from netdoctor.findings import Evidence, Finding, Report, Severity, Verdict
from netdoctor.output.summary import (
    describe_metric,
    format_number,
    format_percent,
    incomplete_reason,
    layer_rows,
    run_summary,
)
from netdoctor.recording import Recording

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
    """Print the verdict, each finding, the layer table, trends, run facts and a summary line."""
    rec = report.recording
    target = str(rec.meta.get(m.TARGET) or "the model")
    console.print(_verdict_line(report, target))
    for finding in report.findings:
        console.print()
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
    found = f"Found {_plural(len(report.findings), 'finding')}"
    if report.findings:
        found += f" ({_counts(report)})"
    console.print(Text(f"{found} in {target}", style="bold"))


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
    elif verdict is Verdict.UNVERIFIED:
        central = [item.code for item in report.not_checked if item.central]
        detail = (
            f"{_counts(report) or 'no findings'}, but {_plural(len(central), 'central rule')} "
            f"could not run ({', '.join(central)}): see Not checked"
        )
    else:
        detail = _counts(report) or "no findings"
    return Text.assemble(
        "netdoctor: ",
        (target, "bold"),
        " is ",
        (f"{verdict.value.upper()} — {detail}", VERDICT_STYLE[verdict]),
    )


def _print_finding(finding: Finding, console: Console) -> None:
    style = SEVERITY_STYLE[finding.severity]
    header = Text.assemble(
        (f"{finding.code} {finding.name}", f"bold {style}"), "  ", (finding.severity.value, style)
    )
    if finding.layer:
        header.append(f"  layer {finding.layer}")
    if finding.step is not None:
        header.append(f"  step {finding.step:,}")
    console.print(header)
    console.print(_indent(Text(finding.message)))
    if finding.evidence:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False)
        for header in EVIDENCE_COLUMNS:
            table.add_column(header)
        for item in finding.evidence:
            step = "" if item.step is None else f"{item.step:,}"
            observed = format_number(item.observed)
            table.add_row(*_cells(item.metric, item.layer or "", step, observed, item.expected))
        console.print(_indent(table))
    console.print(_indent(Text.assemble(("fix: ", "bold"), finding.fix)))
    if finding.source:
        console.print(_indent(Text(f"source: {finding.source}", style="dim")))


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
    for header in ("units", "weight std start → end", "grad norm", "dead", "symmetric"):
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
    rec = report.recording
    meta = rec.meta
    summary = run_summary(report)
    steps = format_number(summary["steps"])
    if meta.get(m.STEPS_PLANNED):
        steps += f" of {format_number(meta[m.STEPS_PLANNED])} planned"
    elif meta.get(m.STEPS_LIMIT):
        steps += f" (at most {format_number(meta[m.STEPS_LIMIT])}: --steps)"
    duration, seed = summary["duration_s"], meta.get(m.SEED)
    facts = [
        (m.TARGET, meta.get(m.TARGET)),
        (m.MODEL, meta.get(m.MODEL)),
        (m.DATA, meta.get(m.DATA)),
        ("steps", steps),
        ("batch size", meta.get(m.BATCH_SIZE)),
        (m.SEED, None if seed is None else str(seed)),
        ("duration", None if duration is None else f"{duration:.1f} s"),
        ("final train accuracy", _percent_or_none(summary["train_accuracy"])),
        ("test accuracy", _percent_or_none(summary["test_accuracy"])),
    ]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    for name, value in facts:
        if value is not None:
            grid.add_row(Text(name), Text(format_number(value)))
    return grid


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
