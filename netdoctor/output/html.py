"""The ``html`` format: one self-contained page to open in a browser or a notebook.

The charts are drawn by matplotlib as SVG and inlined: the page has no script and loads nothing
from anywhere else, so it opens offline and can be attached to a CI run as one file.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from netdoctor import metrics as m
from netdoctor.errors import NetdoctorError
from netdoctor.findings import Finding, Report, Severity, Verdict
from netdoctor.output.summary import (
    describe_metric,
    format_number,
    format_percent,
    incomplete_reason,
    layer_rows,
)
from netdoctor.output.text import EVIDENCE_COLUMNS, cut_short, summary_line
from netdoctor.recording import Recording

INSTALL_HINT = "the HTML report draws its charts with matplotlib: pip install matplotlib"

SEVERITY_COLOR = {Severity.ERROR: "#c62828", Severity.WARNING: "#b26a00", Severity.INFO: "#00838f"}
#: The per-layer charts: metric, title, whether the values are fractions (drawn 0 to 100 %).
LAYER_CHARTS = (
    (m.GRAD_NORM, "gradient norm", False),
    (m.KERNEL_STD, "weight std", False),
    (m.UPDATE_RATIO, "update ratio", False),
    (m.DEAD_FRACTION, "dead ReLU units", True),
)
#: A chart's y axis turns logarithmic when its positive values span at least this many decades.
LOG_DECADES = 2
#: Sampled steps count as dense early when more than DENSE_EARLY_SHARE of them fall in the first
#: EARLY_SPAN of the run; their step axis is then linear up to STEP_LINEAR_UP_TO, logarithmic after.
DENSE_EARLY_SHARE = 0.2
EARLY_SPAN = 0.1
STEP_LINEAR_UP_TO = 10
#: Per-step curves longer than this are drawn as the means of this many chunks.
MAX_POINTS = 2000
#: The smoothed loss and accuracy average this share of the run's steps.
SMOOTHING_SHARE = 0.02
FIGURE_SIZE = (6.4, 3.0)  # inches
#: matplotlib settings for every chart; SVG text stays text (small, selectable, styled by the page).
CHART_STYLE = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "legend.fontsize": 8,
}
#: SVG metadata to leave out: with none of it, matplotlib writes no <metadata> block.
NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
#: The ids matplotlib gives every group (``figure_1``, ``line2d_3``): the same in each chart, so
#: they would repeat in one page, and nothing refers to them.
AUTO_ID = re.compile(r'(<[a-z]+) id="[a-z_.]+_\d+"')
BACKTICKED = re.compile(r"`([^`]+)`")
VIEW_BOX = re.compile(r'viewBox="([^"]*)"')


@dataclass(frozen=True)
class Chart:
    """One inline SVG chart and what it shows."""

    series: str  # the metric it plots
    title: str
    caption: str
    svg: str


def render_html(report: Report, version: str, *, fragment: bool = False) -> str:
    """The report as one HTML page: verdict and root causes (with their fixes) first, then the
    outcome against the references, loss and accuracy, per-layer statistics over the sampled
    steps, and each finding with its evidence; detection steps are marked on the charts.

    ``fragment`` gives a ``<div>`` with its own scoped style, for a notebook cell.
    Raises NetdoctorError when matplotlib is not installed.
    """
    try:
        import matplotlib
    except ImportError as exc:
        raise NetdoctorError(INSTALL_HINT) from exc
    rec = report.recording
    with matplotlib.rc_context(CHART_STYLE):
        training = _training_charts(report)
        layers = _layer_charts(report)
    body = "\n".join(
        [
            _verdict(report),
            _diagnosis(report),
            _section("Training", _charts_html(training) or _note("no loss was recorded")),
            _section("Layers", _layers_html(rec, layers)),
            _findings_html(report),
            _not_checked(report),
            _run_facts(report),
            f"<footer>netdoctor {_e(version)}</footer>",
        ]
    )
    page = f'<div class="netdoctor">\n<style>{STYLE}</style>\n{body}\n</div>'
    if fragment:
        return page
    title = f"netdoctor: {_target(rec)} is {report.verdict.value}"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n</head>\n<body>\n{page}\n</body>\n</html>\n"
    )


# ---- text sections -----------------------------------------------------------------------
def _verdict(report: Report) -> str:
    """The verdict in one word, the summary line, and why the run is incomplete or unverified."""
    verdict, rec = report.verdict, report.recording
    details = [summary_line(report)]
    if verdict is Verdict.INCOMPLETE:
        details.append(f"The run stopped at step {rec.steps:,}: {incomplete_reason(rec)}")
    if verdict is Verdict.UNVERIFIED:
        central = ", ".join(item.code for item in report.not_checked if item.central)
        details.append(f"Central rules could not run ({central}): see Not checked.")
    if cut_short(rec):
        details.append(f"Observed {cut_short(rec)}.")
    lines = "".join(f"<p>{_e(line)}</p>" for line in details)
    return (
        f'<header class="verdict {verdict.value}"><h1><span class="badge">{verdict.value.upper()}</span> '
        f"{_e(_target(rec))}</h1>{lines}</header>"
    )


def _diagnosis(report: Report) -> str:
    """The outcome in one sentence, each root cause with its fix, then the references."""
    parts = []
    if report.outcome is not None:
        parts.append(f'<p class="outcome">{_e(report.outcome.sentence)}</p>')
    roots = report.root_causes
    if roots:
        parts.append('<ol class="causes">' + "".join(_cause(report, cause) for cause in roots) + "</ol>")
    if report.outcome is not None:
        parts.append(_references(report))
    return _section("Diagnosis", "".join(parts)) if parts else ""


def _references(report: Report) -> str:
    """This run's final figure beside the trivial and the linear reference, where measured."""
    outcome = report.outcome
    if outcome.trivial is None and outcome.linear is None:
        return ""
    rows = [
        ("this run", outcome.value),
        ("trivial predictor", outcome.trivial),
        ("linear model", outcome.linear),
    ]
    cells = "".join(
        f"<tr><th>{label}</th><td>{_e(_measure(outcome.measure, value))}</td></tr>"
        for label, value in rows
        if value is not None
    )
    return (
        f'<table class="references"><caption>{_e(outcome.on)} {_e(outcome.measure)}</caption>{cells}</table>'
    )


def _cause(report: Report, cause: Finding) -> str:
    layers = f" ({', '.join(cause.all_layers)})" if cause.all_layers else ""
    parts = [
        f'<li><a class="code {cause.severity.value}" href="#{_anchor(report, cause)}">{_e(cause.code)} '
        f"{_e(cause.name)}</a>{_e(layers)}: {_prose(cause.message)}",
        f'<p class="fix"><strong>Fix:</strong> {_prose(cause.fix)}</p>',
        _verification(cause),
    ]
    explained = report.consequences(cause)
    if explained:
        parts.append(f'<p class="dim">explains: {_e(", ".join(f"{f.code} {f.name}" for f in explained))}</p>')
    return "".join(parts) + "</li>"


def _verification(finding: Finding) -> str:
    """What re-running with the fix showed, and the fix as a diff, when it was verified."""
    done = finding.verification
    if done is None:
        return ""
    line = done.line
    if done.together_with:
        line += f" (together with the fix of {', '.join(done.together_with)})"
    diff = f"<pre>{_e(done.diff.rstrip())}</pre>" if done.diff else ""
    return f'<p class="verified {_e(done.verdict)}"><strong>Verified:</strong> {_e(line)}</p>{diff}'


def _findings_html(report: Report) -> str:
    """Every finding: root causes open with their evidence, consequences folded."""
    if not report.findings:
        return ""
    return _section("Findings", "".join(_finding(report, finding) for finding in report.findings))


def _finding(report: Report, finding: Finding) -> str:
    facts = [finding.severity.value]
    if finding.all_layers:
        facts.append(f"layer{'s' if len(finding.all_layers) > 1 else ''} {', '.join(finding.all_layers)}")
    if finding.step is not None:
        facts.append(f"step {finding.step:,}")
    if finding.explained_by:
        facts.append(f"follows from {finding.explained_by}")
    summary = (
        f'<summary><span class="code {finding.severity.value}">{_e(finding.code)} {_e(finding.name)}</span> '
        f'<span class="dim">{_e(" · ".join(facts))}</span>'
        + ("" if finding.is_root else f'<br><span class="gist">{_prose(finding.gist())}</span>')
        + "</summary>"
    )
    parts = [f"<p>{_prose(finding.message)}</p>", _evidence(finding.evidence)]
    if finding.is_root:
        parts.append(f'<p class="fix"><strong>Fix:</strong> {_prose(finding.fix)}</p>')
    if finding.source:
        parts.append(f'<p class="dim">source: <code>{_e(finding.source)}</code></p>')
    opened = " open" if finding.is_root else ""
    return f'<details class="finding" id="{_anchor(report, finding)}"{opened}>{summary}{"".join(parts)}</details>'


def _evidence(evidence: Sequence[Any]) -> str:
    if not evidence:
        return ""
    head = "".join(f"<th>{column}</th>" for column in EVIDENCE_COLUMNS)
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{_e(_cell(getattr(item, column)))}</td>" for column in EVIDENCE_COLUMNS)
        + "</tr>"
        for item in evidence
    )
    return f'<table class="evidence"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _not_checked(report: Report) -> str:
    if not report.not_checked:
        return ""
    items = "".join(
        f"<li>{_e(item.code)} {_e(item.name)}: "
        f'<span class="dim">not measured: {_e(", ".join(describe_metric(name) for name in item.missing))}</span></li>'
        for item in report.not_checked
    )
    return _section("Not checked", f"<ul>{items}</ul>")


def _layers_html(rec: Recording, charts: list[Chart]) -> str:
    """The per-layer charts, a note for each statistic this run did not measure, and the table."""
    drawn = {chart.series for chart in charts}
    missing = [title for metric, title, _ in LAYER_CHARTS if metric not in drawn]
    parts = [_charts_html(charts)]
    if missing:
        parts.append(_note(f"no finite values recorded in this run: {', '.join(missing)}"))
    rows = layer_rows(rec)
    if rows:
        parts.append(_layer_table(rows))
    return "".join(parts)


def _layer_table(rows: list[dict[str, Any]]) -> str:
    headers = (
        "layer",
        "kind",
        "units",
        "weight std",
        "grad norm (median)",
        "update ratio (median)",
        "dead",
        "symmetric",
    )
    body = []
    for row in rows:
        kind = row["kind"] + (f" ({row['activation']})" if row["activation"] else "")
        cells = (
            row["name"],
            kind,
            format_number(row["units"]),
            f"{format_number(row['weight_std_start'])} → {format_number(row['weight_std_end'])}",
            format_number(row[m.GRAD_NORM]),
            format_number(row[m.UPDATE_RATIO]),
            format_percent(row[m.DEAD_FRACTION]),
            format_percent(row[m.SYMMETRIC_FRACTION]),
        )
        body.append("<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in cells) + "</tr>")
    head = "".join(f"<th>{header}</th>" for header in headers)
    return f'<table class="layers"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _run_facts(report: Report) -> str:
    """What was observed, on what data, and how, with the observer's notes."""
    rec = report.recording
    meta = rec.meta
    facts = [
        ("target", meta.get(m.TARGET)),
        ("model", meta.get(m.MODEL)),
        ("data", meta.get(m.DATA)),
        ("optimizer", meta.get(m.OPTIMIZER)),
        ("batch size", meta.get(m.BATCH_SIZE)),
        ("seed", meta.get(m.SEED)),
        ("steps", rec.steps),
    ]
    rows = "".join(
        f"<tr><th>{_e(name)}</th><td>{_e(format_number(value))}</td></tr>"
        for name, value in facts
        if value is not None
    )
    notes = "".join(f'<p class="dim">note: {_e(note)}</p>' for note in meta.get(m.NOTES) or [])
    return _section("Run", f'<table class="facts">{rows}</table>{notes}')


# ---- charts ------------------------------------------------------------------------------
def _training_charts(report: Report) -> list[Chart]:
    """Loss and accuracy per step (raw and smoothed) and on held-out data, with the outcome's
    references and every finding's detection step."""
    rec = report.recording
    marks = _marks(report.findings)
    charts = []
    for metric, title, per_step in (
        (m.LOSS, "loss", rec.train_loss),
        (m.ACCURACY, "accuracy", rec.train_accuracy),
    ):
        held_out = [(int(e[m.STEP]), float(e[metric])) for e in rec.evals if e.get(metric) is not None]
        if not np.isfinite(per_step).any() and not held_out:
            continue
        figure, axes = _figure()
        series = []
        if np.isfinite(per_step).any():
            steps, values = _downsampled(per_step)
            axes.plot(steps, values, color="#1f77b4", alpha=0.25, linewidth=0.8, label="train (per step)")
            axes.plot(steps, _smoothed(values), color="#1f77b4", linewidth=1.6, label="train (smoothed)")
            series.append(values)
        if held_out:
            steps, values = (np.array(column) for column in zip(*held_out))
            axes.plot(
                steps, values, color="#ff7f0e", marker="o", markersize=3.5, linewidth=1.4, label="held-out"
            )
            series.append(values)
        outcome = report.outcome
        if outcome is not None and outcome.measure == metric:
            for name, value, style in (("trivial", outcome.trivial, "--"), ("linear", outcome.linear, ":")):
                if value is not None:
                    label = f"{name} reference ({outcome.on}): {_measure(metric, value)}"
                    axes.axhline(value, color="#555555", linestyle=style, linewidth=1.1, label=label)
        scale = "linear" if metric == m.ACCURACY else _set_scale(axes, series)
        if metric == m.ACCURACY:
            _as_percent(axes)
        _draw_marks(axes, marks)
        caption = f"train: {_meaning('step', metric)}; held-out: {_meaning('eval', metric)}"
        charts.append(_chart(figure, axes, metric, title, _with_scale(caption, scale)))
    return charts


def _layer_charts(report: Report) -> list[Chart]:
    """One chart per layer statistic, a line per layer (each layer in the same colour in every
    chart), marked at the detection step of each finding whose evidence cites that statistic."""
    rec = report.recording
    measured = {metric: _layer_lines(rec, metric) for metric, _, _ in LAYER_CHARTS}
    charted = {name for lines in measured.values() for name in lines}
    names = [layer.name for layer in rec.layers if layer.name in charted]
    colors = dict(zip(names, _palette(len(names))))
    charts = []
    for metric, title, fraction in LAYER_CHARTS:
        lines = measured[metric]
        if not lines:
            continue
        figure, axes = _figure()
        for name, values in lines.items():
            axes.plot(
                rec.sample_steps, values, color=colors[name], marker="o", markersize=3, linewidth=1.3,
                label=_mpl_text(name),
            )  # fmt: skip
        scale = "linear"
        if fraction:
            _as_percent(axes)
        else:
            scale = _set_scale(axes, list(lines.values()))
        if _dense_early(rec.sample_steps):
            _stretch_early_steps(axes)
        _draw_marks(axes, _marks(f for f in report.findings if metric in {e.metric for e in f.evidence}))
        caption = f"{metric}: {_meaning('layer', metric)}"
        charts.append(_chart(figure, axes, metric, title, _with_scale(caption, scale)))
    return charts


def _layer_lines(rec: Recording, metric: str) -> dict[str, np.ndarray]:
    """Each layer's values of ``metric`` over the sampled steps, for the layers with a finite one."""
    lines = {layer.name: rec.layer_series(layer.name, metric) for layer in rec.layers}
    return {name: values for name, values in lines.items() if np.isfinite(values).any()}


def _figure() -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
    axes = figure.add_subplot()
    axes.set_xlabel("step")
    return figure, axes


def _chart(figure: Any, axes: Any, series: str, title: str, caption: str) -> Chart:
    """Finish a chart (legend beside it) and inline it as SVG."""
    handles = axes.get_legend_handles_labels()[0]
    if handles:
        figure.legend(loc="outside right upper", ncols=math.ceil(len(handles) / 14))
    return Chart(series, title, caption, _inline_svg(figure, series, title))


def _inline_svg(figure: Any, series: str, title: str) -> str:
    """The figure as an ``<svg>`` element for an HTML page: no XML prolog, no namespaces (HTML
    needs none), sized by the page, and ids that are unique per chart."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"netdoctor-{series}"}):
        figure.savefig(buffer, format="svg", metadata=NO_METADATA)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    root_end = svg.index(">") + 1
    view_box = VIEW_BOX.search(svg[:root_end]).group(1)
    root = f'<svg viewBox="{view_box}" role="img" aria-label="{_e(title)}">'
    return root + AUTO_ID.sub(r"\1", svg[root_end:])


def _marks(findings: Iterable[Finding]) -> dict[int, list[Finding]]:
    """The findings with a detection step, by step."""
    marks: dict[int, list[Finding]] = {}
    for finding in findings:
        if finding.step is not None:
            marks.setdefault(finding.step, []).append(finding)
    return marks


def _draw_marks(axes: Any, marks: dict[int, list[Finding]]) -> None:
    """A dashed line at each detection step, labelled above the plot with the codes found there,
    in the colour of the worst."""
    limits = axes.get_xlim()
    to_axes = axes.transData + axes.transAxes.inverted()
    for step, found in sorted(marks.items()):
        color = SEVERITY_COLOR[min((f.severity for f in found), key=lambda s: s.rank)]
        codes = " ".join(dict.fromkeys(f.code for f in found))
        axes.axvline(step, color=color, linestyle="--", linewidth=1.0, alpha=0.8)
        right = to_axes.transform((step, 0))[0] > 0.7
        axes.annotate(
            codes,
            xy=(step, 1.0),
            xycoords=axes.get_xaxis_transform(),
            xytext=(0, 2),
            textcoords="offset points",
            ha="right" if right else "left",
            va="bottom",
            fontsize=7.5,
            color=color,
        )
    axes.set_xlim(limits)


def _dense_early(steps: np.ndarray) -> bool:
    """Whether the samples crowd the start of the run (the observer samples steps 0-4, 8, 16, ...)."""
    if steps.size < 5 or steps[-1] <= steps[0]:
        return False
    early = steps < steps[0] + EARLY_SPAN * (steps[-1] - steps[0])
    return early.mean() > DENSE_EARLY_SHARE


def _stretch_early_steps(axes: Any) -> None:
    """A step axis linear up to STEP_LINEAR_UP_TO and logarithmic after, labelled in plain steps."""
    from matplotlib.ticker import FuncFormatter

    axes.set_xscale("symlog", linthresh=STEP_LINEAR_UP_TO)
    axes.set_xlim(left=-0.5)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda step, _: f"{step:,.0f}"))
    axes.set_xlabel(f"step (logarithmic after step {STEP_LINEAR_UP_TO})")


def _set_scale(axes: Any, series: list[np.ndarray]) -> str:
    """A log y axis (symlog when some values are 0) where the positive values span decades."""
    values = np.concatenate([np.asarray(s, dtype=float) for s in series]) if series else np.zeros(0)
    values = values[np.isfinite(values)]
    positive = values[values > 0]
    if positive.size == 0 or (values < 0).any() or positive.max() < positive.min() * 10**LOG_DECADES:
        return "linear"
    if (values == 0).any():
        axes.set_yscale("symlog", linthresh=float(positive.min()))
        return "symlog"
    axes.set_yscale("log")
    return "log"


def _as_percent(axes: Any) -> None:
    from matplotlib.ticker import PercentFormatter

    axes.set_ylim(-0.03, 1.03)
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))


def _palette(count: int) -> list[Any]:
    """Distinct colours for up to 10 layers; a gradient from input to output for more."""
    from matplotlib import colormaps

    if count <= 10:
        return [colormaps["tab10"](i) for i in range(count)]
    return [colormaps["viridis"](i / (count - 1)) for i in range(count)]


def _downsampled(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Steps and per-step values (infinities as gaps), as chunk means beyond MAX_POINTS steps."""
    values = np.where(np.isfinite(values), values, np.nan)
    steps = np.arange(values.size, dtype=float)
    if values.size <= MAX_POINTS:
        return steps, values
    chunks = np.array_split(np.arange(values.size), MAX_POINTS)
    return (
        np.array([chunk.mean() for chunk in chunks]),
        np.array([_finite_mean(values[chunk]) for chunk in chunks]),
    )


def _smoothed(values: np.ndarray) -> np.ndarray:
    """A centred moving average over the finite values (NaN where a window has none)."""
    window = max(1, round(values.size * SMOOTHING_SHARE))
    finite = np.isfinite(values)
    kernel = np.ones(window)
    totals = np.convolve(np.where(finite, values, 0.0), kernel, mode="same")
    counts = np.convolve(finite.astype(float), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, totals / counts, np.nan)


def _finite_mean(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else math.nan


# ---- small helpers -----------------------------------------------------------------------
def _e(text: Any) -> str:
    """Text escaped for HTML content and attribute values."""
    return html.escape(str(text), quote=True)


def _prose(text: str) -> str:
    """A message or fix escaped, with its `backticked` names set as code."""
    return BACKTICKED.sub(r"<code>\1</code>", _e(text))


def _mpl_text(text: str) -> str:
    """A user string as matplotlib shows it literally: ``$`` does not start mathtext, and a
    leading ``_`` does not hide the entry from the legend."""
    text = text.replace("$", r"\$")
    return "\u200b" + text if text.startswith("_") else text


def _meaning(scope: str, name: str) -> str:
    return m.VOCABULARY[scope, name].meaning


def _with_scale(caption: str, scale: str) -> str:
    return caption if scale == "linear" else f"{caption} (log scale)"


def _target(rec: Recording) -> str:
    return str(rec.meta.get(m.TARGET) or "the model")


def _anchor(report: Report, finding: Finding) -> str:
    return f"finding-{report.findings.index(finding) + 1}"


def _measure(measure: str, value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return format_number(value)
    return f"{value:.3f}" if measure == m.ACCURACY else f"{value:.4g}"


def _cell(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else format_number(value)


def _section(title: str, content: str) -> str:
    return f"<section><h2>{_e(title)}</h2>{content}</section>"


def _note(text: str) -> str:
    return f'<p class="dim">{_e(text)}</p>'


def _charts_html(charts: list[Chart]) -> str:
    if not charts:
        return ""
    figures = "".join(
        f'<figure class="chart" data-series="{_e(chart.series)}"><h3>{_e(chart.title)}</h3>{chart.svg}'
        f"<figcaption>{_e(chart.caption)}</figcaption></figure>"
        for chart in charts
    )
    return f'<div class="charts">{figures}</div>'


STYLE = """
.netdoctor { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f;
  max-width: 1200px; margin: 0 auto; padding: 16px 24px; }
.netdoctor h1 { font-size: 20px; margin: 0 0 6px; }
.netdoctor h2 { font-size: 16px; margin: 24px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #ddd; }
.netdoctor p { margin: 4px 0; }
.netdoctor .verdict { padding: 12px 16px; border-radius: 6px; border-left: 6px solid; background: #f6f6f6; }
.netdoctor .verdict.sick { border-color: #c62828; background: #fdecea; }
.netdoctor .verdict.healthy { border-color: #2e7d32; background: #edf7ed; }
.netdoctor .verdict.unverified, .netdoctor .verdict.incomplete { border-color: #b26a00; background: #fff4e5; }
.netdoctor .badge { font-size: 13px; letter-spacing: 0.05em; padding: 2px 8px; border-radius: 4px;
  color: white; background: #555; vertical-align: middle; }
.netdoctor .sick .badge { background: #c62828; }
.netdoctor .healthy .badge { background: #2e7d32; }
.netdoctor .unverified .badge, .netdoctor .incomplete .badge { background: #b26a00; }
.netdoctor .code { font-weight: 600; text-decoration: none; }
.netdoctor .code.error { color: #c62828; }
.netdoctor .code.warning { color: #b26a00; }
.netdoctor .code.info { color: #00838f; }
.netdoctor .outcome { font-weight: 600; }
.netdoctor .causes li { margin: 8px 0; }
.netdoctor .fix { background: #eef5fb; border-left: 3px solid #1f77b4; padding: 4px 8px; }
.netdoctor .dim { color: #666; }
.netdoctor code { font: 12.5px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #f2f2f2;
  padding: 0 3px; border-radius: 3px; }
.netdoctor table { border-collapse: collapse; margin: 6px 0; font-size: 13px; }
.netdoctor th, .netdoctor td { padding: 3px 10px; text-align: left; border-bottom: 1px solid #eee; }
.netdoctor thead th { border-bottom: 1px solid #bbb; }
.netdoctor table.references caption { text-align: left; color: #666; }
.netdoctor td { font-variant-numeric: tabular-nums; }
.netdoctor .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 12px; }
.netdoctor figure { margin: 0; }
.netdoctor figure h3 { font-size: 14px; margin: 8px 0 0; }
.netdoctor figure svg { width: 100%; height: auto; display: block; }
.netdoctor figcaption { font-size: 12px; color: #666; }
.netdoctor details.finding { margin: 8px 0; padding: 6px 10px; border: 1px solid #e4e4e4; border-radius: 6px; }
.netdoctor details.finding summary { cursor: pointer; }
.netdoctor .gist { margin-left: 1.2em; }
.netdoctor pre { background: #f6f6f6; padding: 6px 8px; overflow-x: auto; font-size: 12px; }
.netdoctor footer { margin-top: 24px; font-size: 12px; color: #888; }
"""
