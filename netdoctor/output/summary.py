"""Pure readings of a report that every reporter shows: the run's outcome, one row per layer,
and compact number formatting."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from netdoctor import metrics as m
from netdoctor.findings import Report
from netdoctor.readings import final_train_accuracy, loss_start_end
from netdoctor.recording import Recording


def run_summary(report: Report) -> dict[str, Any]:
    """Steps, smoothed initial/final loss, final train accuracy, test numbers and duration."""
    rec = report.recording
    initial_loss, final_loss = loss_start_end(rec)
    return {
        "steps": rec.steps,
        "initial_loss": finite_or_none(initial_loss),
        "final_loss": finite_or_none(final_loss),
        "train_accuracy": finite_or_none(final_train_accuracy(rec)),
        "test_accuracy": finite_or_none(rec.test_accuracy),
        "test_loss": finite_or_none(rec.test_loss),
        "duration_s": finite_or_none((rec.end or {}).get("duration_s")),
    }


def incomplete_reason(rec: Recording) -> str | None:
    """Why the run stopped early (the error record's message), or None for a complete run."""
    if rec.error is not None:
        return str(rec.error.get("message") or "the run failed")
    if rec.end is None:
        return "the run ended without its end record"
    return None


def incomplete_output(rec: Recording) -> list[str]:
    """The target's last lines of output before an incomplete run stopped (empty otherwise)."""
    if rec.complete or rec.error is None:
        return []
    return [line for line in str(rec.error.get("output") or "").splitlines() if line.strip()]


def layer_rows(rec: Recording) -> list[dict[str, Any]]:
    """One row per layer with a kernel or a dead fraction; missing or non-finite values are None."""
    rows = []
    for layer in rec.layers:
        dead = rec.layer_series(layer.name, m.DEAD_FRACTION)
        if not layer.has_kernel and not np.isfinite(dead).any():
            continue
        std = _finite(rec.layer_series(layer.name, m.KERNEL_STD))
        rows.append(
            {
                "name": layer.name,
                "kind": layer.kind,
                "activation": layer.activation,
                "units": layer.units,
                "weight_std_start": float(std[0]) if std.size else None,
                "weight_std_end": float(std[-1]) if std.size else None,
                m.GRAD_NORM: _median(rec.layer_series(layer.name, m.GRAD_NORM)),
                m.DEAD_FRACTION: _last(dead),
                m.SYMMETRIC_FRACTION: _last(rec.layer_series(layer.name, m.SYMMETRIC_FRACTION)),
                m.UPDATE_RATIO: _median(rec.layer_series(layer.name, m.UPDATE_RATIO)),
            }
        )
    return rows


def describe_metric(name: str) -> str:
    """``grad_norm (L2 norm of the loss gradient ...)``: a metric's name with its meaning."""
    meaning = next((d.meaning for (_, n), d in m.VOCABULARY.items() if n == name), None)
    return f"{name} ({meaning})" if meaning else name


def finite_or_none(value: Any) -> float | None:
    """``value`` as a float, or None when it is missing, NaN or infinite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def format_number(value: Any) -> str:
    """Compact: 3 significant digits, thousands separators, ``1.2e-07`` for tiny or huge values."""
    if value is None:
        return "–"
    if isinstance(value, (bool, str)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    value = float(value)
    if not math.isfinite(value):
        return str(value)  # nan, inf, -inf
    size = abs(value)
    if size == 0:
        return "0"
    if size < 1e-3 or size >= 1e6:
        return f"{value:.1e}"
    if size >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def format_percent(fraction: float | None) -> str:
    """A fraction as a percentage with 3 significant digits: 0.5 -> ``50%``."""
    if fraction is None or not math.isfinite(fraction):
        return format_number(fraction)
    percent = fraction * 100
    if 0 < abs(percent) < 0.01:
        return "<0.01%"
    return f"{percent:.3g}%"


def _finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def _median(values: np.ndarray) -> float | None:
    values = _finite(values)
    return float(np.median(values)) if values.size else None


def _last(values: np.ndarray) -> float | None:
    values = _finite(values)
    return float(values[-1]) if values.size else None
