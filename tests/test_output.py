"""Reporters: JSON and text rendering of reports built from synthetic recordings."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from rich.console import Console

from netdoctor.findings import Evidence, Finding, Report, Severity
from netdoctor.output.json_report import render_json
from netdoctor.output.summary import format_number, format_percent, layer_rows, run_summary
from netdoctor.output.text import make_console, render_text, sparkline

TARGET = "examples/zero_init.py"
LAYERS = [
    {"name": "flatten", "kind": "Flatten"},
    {"name": "dense", "kind": "Dense", "activation": "relu", "units": 16,
     "kernel_shape": [784, 16], "feeds_trainable": True},
    {"name": "re_lu", "kind": "ReLU"},
    {"name": "dense_1", "kind": "Dense", "activation": "softmax", "units": 10,
     "kernel_shape": [16, 10], "is_output": True},
]  # fmt: skip


def _sample(step: int, std: float, grad: float, dead: float) -> dict:
    return {
        "type": "sample",
        "step": step,
        "layers": {
            "dense": {"kernel_std": std, "grad_norm": grad, "update_ratio": grad / 10,
                      "symmetric_fraction": 1.0, "dead_fraction": dead},
            "re_lu": {"dead_fraction": dead},
            "dense_1": {"kernel_std": std * 2, "grad_norm": grad * 2, "update_ratio": 0.001},
        },
    }  # fmt: skip


def make_recording(steps: int = 200, loss=None, complete: bool = True, error: str | None = None):
    from netdoctor.recording import Recording

    loss = np.linspace(2.3, 0.5, steps) if loss is None else np.asarray(loss, dtype=float)
    records = [
        {"type": "meta", "target": TARGET, "mode": "model",
         "model": "Sequential, 2 Dense layers, 12,730 parameters", "data": "MNIST 5k digits",
         "task": "multiclass", "num_classes": 10, "loss": "sparse_categorical_crossentropy",
         "optimizer": "SGD", "learning_rate": 0.01, "steps_planned": steps, "batch_size": 32,
         "seed": 7, "notes": ["the model was not compiled: trained with SGD(0.01)"],
         "layers": LAYERS},
        {"type": "train", "start": 0, "loss": loss.tolist(),
         "accuracy": np.linspace(0.1, 0.9, loss.size).tolist()},
        _sample(0, 0.0, 1.0, 0.25),
        _sample(steps // 2, 0.05, 5.0, 0.5),
        _sample(steps - 1, 0.1, 2.0, 0.75),
        {"type": "eval", "step": steps, "loss": 0.6, "accuracy": 0.85},
    ]  # fmt: skip
    if error:
        records.append({"type": "error", "message": error, "detail": "Traceback ..."})
    elif complete:
        records.append({"type": "end", "steps": steps, "duration_s": 3.25})
    return Recording.from_records(records)


ND101 = Finding(
    code="ND101",
    name="constant-weights",
    severity=Severity.ERROR,
    message="zero initialization. Layer `dense` kernel: all 12,544 weights are 0 at step 0.",
    fix="use kernel_initializer='he_normal'",
    layer="dense",
    step=0,
    evidence=(Evidence("kernel_min", 0.0, "spread > 0", "dense", 0),),
    source="examples/zero_init.py:12",
)
ND401 = Finding("ND401", "slow-progress", Severity.WARNING, "loss fell only 3%", "raise the learning rate")


def sick_report() -> Report:
    return Report(make_recording(), [ND401, ND101], settings={"steps": 200, "fail_on": "error"})


def render(report: Report) -> str:
    out = io.StringIO()
    render_text(report, Console(file=out, width=120, no_color=True, highlight=False))
    return out.getvalue()


def strict_loads(text: str):
    def reject(constant):
        raise ValueError(f"raw {constant} in JSON")

    return json.loads(text, parse_constant=reject)


# ---- summary ------------------------------------------------------------------------------
def test_run_summary_numbers():
    summary = run_summary(sick_report())
    assert summary["steps"] == 200
    assert summary["initial_loss"] == pytest.approx(2.3, abs=0.1)
    assert summary["final_loss"] == pytest.approx(0.5, abs=0.1)
    assert summary["train_accuracy"] == pytest.approx(0.9, abs=0.05)
    assert summary["test_accuracy"] == 0.85
    assert summary["test_loss"] == 0.6
    assert summary["duration_s"] == 3.25


def test_layer_rows_skip_layers_without_kernel_or_dead_fraction():
    rows = layer_rows(make_recording())
    assert [row["name"] for row in rows] == ["dense", "re_lu", "dense_1"]
    dense = rows[0]
    assert dense["kind"] == "Dense" and dense["activation"] == "relu" and dense["units"] == 16
    assert (dense["weight_std_start"], dense["weight_std_end"]) == (0.0, 0.1)
    assert dense["grad_norm"] == 2.0  # median of 1, 5, 2
    assert dense["update_ratio"] == pytest.approx(0.2)
    assert dense["dead_fraction"] == 0.75  # last sample
    assert dense["symmetric_fraction"] == 1.0
    assert rows[1]["weight_std_start"] is None and rows[1]["dead_fraction"] == 0.75
    assert rows[2]["dead_fraction"] is None


@pytest.mark.parametrize(
    "value, text",
    [(1.234e-7, "1.2e-07"), (0.123456, "0.123"), (2.3456, "2.35"), (12345.6, "12,346"),
     (3e9, "3.0e+09"), (0, "0"), (12544, "12,544"), (math.nan, "nan"), (None, "–")],
)  # fmt: skip
def test_format_number(value, text):
    assert format_number(value) == text


def test_format_percent():
    assert [format_percent(x) for x in (0.5, 1.0, 0.12345, 1e-7, None)] == [
        "50%", "100%", "12.3%", "<0.01%", "–",
    ]  # fmt: skip


# ---- json ---------------------------------------------------------------------------------
def test_json_sick_report():
    data = strict_loads(render_json(sick_report(), "1.2.3"))
    assert set(data) == {
        "schema_version", "tool", "target", "verdict", "root_causes", "outcome", "references", "findings",
        "not_checked", "summary", "layers", "run", "settings", "incomplete_reason", "incomplete_output", "verification",
    }  # fmt: skip
    assert data["schema_version"] == 1
    assert data["tool"] == {"name": "netdoctor", "version": "1.2.3"}
    assert data["target"] == TARGET
    assert data["verdict"] == "sick"
    assert [f["code"] for f in data["findings"]] == ["ND101", "ND401"]  # worst first
    assert data["findings"][0]["evidence"][0]["metric"] == "kernel_min"
    assert data["summary"]["errors"] == 1 and data["summary"]["warnings"] == 1
    assert data["summary"]["infos"] == 0 and data["summary"]["steps"] == 200
    assert [row["name"] for row in data["layers"]] == ["dense", "re_lu", "dense_1"]
    assert data["run"]["seed"] == 7 and data["run"]["optimizer"] == "SGD"
    assert data["run"]["notes"] == ["the model was not compiled: trained with SGD(0.01)"]
    assert data["settings"] == {"steps": 200, "fail_on": "error"}
    assert data["incomplete_reason"] is None


def test_json_is_sorted_and_indented():
    text = render_json(sick_report(), "1.2.3")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2)


def test_json_healthy_report():
    data = strict_loads(render_json(Report(make_recording(), [ND401]), "0"))
    assert data["verdict"] == "healthy"
    assert data["summary"]["errors"] == 0


def test_json_incomplete_report():
    rec = make_recording(error="ValueError: shapes (32, 10) and (32, 1) are incompatible")
    data = strict_loads(render_json(Report(rec, []), "0"))
    assert data["verdict"] == "incomplete"
    assert data["incomplete_reason"] == "ValueError: shapes (32, 10) and (32, 1) are incompatible"
    assert data["summary"]["duration_s"] is None


def test_json_never_emits_raw_nan_or_infinity():
    loss = np.full(50, np.nan)
    loss[:3] = [2.3, 1e30, np.inf]
    rec = make_recording(steps=50, loss=loss)
    rec.samples[-1]["layers"]["dense"]["kernel_std"] = "nan"
    evidence = (Evidence("loss", math.nan, "finite"), Evidence("grad", np.float32(np.inf)))
    finding = Finding("ND401", "nan-loss", Severity.ERROR, "nan", "lower lr", evidence=evidence)
    report = Report(rec, [finding], settings={"clip": math.inf, "lr": np.float64(0.1)})
    data = strict_loads(render_json(report, "0"))
    assert [e["observed"] for e in data["findings"][0]["evidence"]] == ["nan", "inf"]
    assert data["settings"] == {"clip": "inf", "lr": 0.1}
    assert data["layers"][0]["weight_std_end"] == 0.05  # the NaN sample is skipped


# ---- text ---------------------------------------------------------------------------------
def test_text_sick_report():
    text = render(sick_report())
    first = text.splitlines()[0]
    assert first == f"netdoctor: {TARGET} is SICK — root cause ND101 constant-weights; 1 error, 1 warning"
    assert text.index("ND101 constant-weights") < text.index("ND401 slow-progress")
    assert "error  layer dense" in text
    assert "zero initialization. Layer `dense` kernel: all 12,544 weights" in text
    assert "fix: use kernel_initializer='he_normal'" in text
    assert "source: examples/zero_init.py:12" in text
    assert "kernel_min" in text and "spread > 0" in text
    assert text.rstrip().endswith(
        f"Found 2 findings (1 error, 1 warning) in {TARGET}; root cause: ND101 constant-weights"
    )


def test_text_layer_table_trends_and_facts():
    text = render(sick_report())
    lines = text.splitlines()
    dense = next(line for line in lines if line.strip().startswith("dense ") and "Dense" in line)
    assert "Dense (relu)" in dense and "0 → 0.1" in dense and "75%" in dense and "100%" in dense
    assert any(line.strip().startswith("re_lu") and "75%" in line for line in lines)
    assert not any(line.strip().startswith("flatten") for line in lines)
    loss_line = next(line for line in lines if line.startswith("loss "))
    assert "█" in loss_line and "▁" in loss_line and "→" in loss_line
    assert any(line.startswith("accuracy ") for line in lines)
    for fact in ("Sequential, 2 Dense layers", "MNIST 5k digits", "200 steps of 200 planned", "3.2 s",
                 "note: the model was not compiled"):  # fmt: skip
        assert fact in text


def test_text_healthy_and_incomplete_verdicts():
    healthy = render(Report(make_recording(), []))
    assert healthy.splitlines()[0] == f"netdoctor: {TARGET} is HEALTHY — no findings"
    assert healthy.rstrip().endswith(f"Found 0 findings in {TARGET}")
    rec = make_recording(steps=60, error="MemoryError: out of memory")
    incomplete = render(Report(rec, [])).splitlines()[0]
    assert incomplete == (
        f"netdoctor: {TARGET} is INCOMPLETE — the run stopped at step 60: MemoryError: out of memory"
    )
    warned = render(Report(make_recording(), [ND401]))
    assert warned.splitlines()[0] == f"netdoctor: {TARGET} is HEALTHY — 1 warning"


def test_text_with_nan_loss():
    loss = np.linspace(2.0, 1.0, 80)
    loss[40:] = np.nan
    text = render(Report(make_recording(steps=80, loss=loss), []))
    loss_line = next(line for line in text.splitlines() if line.startswith("loss "))
    assert loss_line.split()[1].endswith("××××") and "1.99 → 1.51" in loss_line


def test_text_prints_user_strings_literally():
    message = "layer [bold]x[/bold] is [/] :smile:"
    evidence = (Evidence("[b]metric", "[/]", "[red]expected"),)
    finding = Finding(
        "ND301", "dead-relu", Severity.ERROR, message, "fix [red]it", layer="[i]", evidence=evidence
    )
    text = render(Report(make_recording(), [finding]))
    assert "layer [bold]x[/bold] is [/] :smile:" in text
    assert "fix: fix [red]it" in text and "layer [i]" in text
    assert "[b]metric" in text and "[red]expected" in text


def test_text_without_colour_has_no_ansi_but_colour_console_does():
    assert "\x1b[" not in render(sick_report())
    out = io.StringIO()
    console = Console(file=out, width=120, force_terminal=True, color_system="standard")
    render_text(sick_report(), console)
    assert "\x1b[" in out.getvalue()


def test_sparkline():
    line = sparkline(np.arange(100.0))
    assert len(line) == 40 and line[0] == "▁" and line[-1] == "█"
    assert sparkline(np.array([1.0, np.nan, 2.0])) == "▁×█"
    assert sparkline(np.full(5, 0.5), 0.0, 1.0) == "▅▅▅▅▅"
    assert sparkline(np.zeros(0)) == ""


def test_make_console(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert make_console().no_color is False
    assert make_console(no_color=True).no_color is True
    assert make_console(stderr=True).stderr is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert make_console().no_color is True
