"""ND701 (graph-growth) and ND702 (batch-axis-reduction) on synthetic recordings: no TensorFlow."""

from __future__ import annotations

import subprocess
import sys

import pytest

from netdoctor.findings import Finding, Severity
from netdoctor.recording import Recording
from netdoctor.rules import REGISTRY

from synthetic import healthy_mlp, zero_init_mlp

ACCURACY_LINE = {
    "source": "train.py:41",
    "function": "accuracy",
    "code": "correct = tf.equal(tf.argmax(logits), tf.argmax(labels))",
    "called_from": "train.py:63",
}


def run(code: str, rec: Recording, **options) -> list[Finding]:
    findings = REGISTRY[code].run(rec, options)
    assert all(f.code == code for f in findings)
    return findings


def only(code: str, rec: Recording, **options) -> Finding:
    findings = run(code, rec, **options)
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


def growth(step: int, added: int, ops: int, origin: dict | None = ACCURACY_LINE) -> dict:
    """A graph_growth event as the TF1 observer writes it."""
    sources = [{**origin, "ops": added}] if origin else []
    return {
        "kind": "graph_growth",
        "step": step,
        "added": added,
        "ops": ops,
        "sources": sources,
        "op_types": {"Const": 3, "ArgMax": 2, "Equal": 1, "Cast": 1, "Mean": 1},
    }


def with_functions(rec: Recording, *functions: dict) -> Recording:
    rec.add({"type": "meta", "tf_functions": list(functions)})
    return rec


def function(calls: int, retraces: int, changed: dict | None = None) -> dict:
    return {
        "name": "train_step",
        "source": "loop.py:25",
        "training": True,
        "calls": calls,
        "retraces": retraces,
        "first_retrace_step": 1 if retraces else None,
        "python_arguments": changed or {},
    }


def reduction(op: str, tensor: str, source: str | None = "train.py:41") -> dict:
    """A batch_axis_reduction event as the TF1 observer writes it."""
    origin = {**ACCURACY_LINE, "source": source} if source else {"source": None}
    return {
        "kind": "batch_axis_reduction",
        "op": op,
        "op_type": "ArgMax",
        "axis": 0,
        "input": tensor,
        "tensor_shape": [None, 10],
        "consumer": "Equal",
        **origin,
    }


# ---- ND701: a TF1 graph that grows ------------------------------------------------------------
def test_graph_that_gains_ops_every_hundred_steps_is_growth():
    events = [growth(step, 8, 153 + 8 * (i + 1)) for i, step in enumerate(range(1, 1000, 100))]
    finding = only("ND701", zero_init_mlp(events=events))
    assert finding.severity is Severity.ERROR
    assert finding.source == "train.py:41" and finding.step == 1
    message = finding.message
    assert "ops were added at 10 of 1,000 training steps (steps 1-901, every 100 steps)" in message
    assert "80 ops in all, 8 each time (Const x3, ArgMax x2, Equal, Cast, Mean)" in message
    assert "0.08 per training step" in message and "from 153 to 233 ops" in message
    assert "train.py:41 (`correct = tf.equal(tf.argmax(logits), tf.argmax(labels))`)" in message
    assert "in `accuracy`, called from train.py:63" in message
    assert "finalize()" in finding.fix


@pytest.mark.parametrize("steps", [[1], [1, 500]], ids=["once", "twice"])
def test_a_graph_that_gains_ops_once_or_twice_is_normal(steps):
    events = [growth(step, 5, 200 + 5 * i) for i, step in enumerate(steps)]
    assert run("ND701", healthy_mlp(events=events)) == []


def test_growth_without_user_frames_still_reports_the_numbers():
    events = [growth(step, 2, 100 + 2 * i, origin=None) for i, step in enumerate([3, 7, 20, 40])]
    finding = only("ND701", healthy_mlp(events=events))
    assert finding.source is None
    assert "(steps 3-40)" in finding.message


def test_min_repeats_option():
    events = [growth(step, 5, 200 + 5 * i) for i, step in enumerate([1, 500])]
    assert only("ND701", healthy_mlp(events=events), min_repeats=2)


# ---- ND701: tf.function retracing --------------------------------------------------------------
def test_function_traced_on_every_call_is_named_with_the_changing_argument():
    rec = with_functions(healthy_mlp(), function(calls=60, retraces=59, changed={"learning_rate": 59}))
    finding = only("ND701", rec)
    assert finding.source == "loop.py:25" and finding.step == 1
    assert "tf.function `train_step` (loop.py:25) is traced again on 59 of its 59 calls" in finding.message
    assert "`learning_rate`" in finding.message
    assert "tf.constant" in finding.fix and "input_signature" in finding.fix


@pytest.mark.parametrize(
    ("calls", "retraces"),
    [(1000, 0), (1000, 3), (4, 3)],
    ids=["traced-once", "a-few-retraces", "too-few-calls"],
)
def test_functions_that_do_not_keep_retracing_are_fine(calls, retraces):
    assert run("ND701", with_functions(healthy_mlp(), function(calls, retraces))) == []


# ---- ND701: variables created every step -------------------------------------------------------
def test_variables_created_at_every_step_are_growth():
    origin = {"source": "loop.py:30", "function": "train_step", "code": "head = keras.layers.Dense(10)"}
    events = [
        {"kind": "variables_created", "step": step, "count": 2, "sources": [{**origin, "created": 2}]}
        for step in range(1, 50)
    ]
    finding = only("ND701", healthy_mlp(events=events))
    message = finding.message
    assert "98 tf.Variables at 49 of 1,000 training steps (steps 1-49, every step), 2 each time" in message
    assert "loop.py:30 (`head = keras.layers.Dense(10)`) in `train_step`" in message
    assert finding.source == "loop.py:30"


def test_variables_created_once_after_the_first_step_are_fine():
    events = [{"kind": "variables_created", "step": 1, "count": 4, "sources": []}]
    assert run("ND701", healthy_mlp(events=events)) == []


# ---- ND702: arg-max over the batch axis --------------------------------------------------------
def test_argmax_over_the_batch_axis_is_one_finding_per_line():
    events = [reduction("ArgMax", "add_2:0"), reduction("ArgMax_1", "Placeholder_1:0")]
    finding = only("ND702", healthy_mlp(events=events))
    assert finding.severity is Severity.ERROR and finding.source == "train.py:41"
    message = finding.message
    assert message.startswith("`tf.argmax` at train.py:41 (`correct = tf.equal(")
    assert "`ArgMax` over axis 0 of `add_2:0` [?, 10]" in message
    assert "`ArgMax_1` over axis 0 of `Placeholder_1:0` [?, 10]" in message
    assert "feeds `Equal`" in message
    assert "axis=1" in finding.fix
    assert len(finding.evidence) == 2


def test_argmax_findings_on_two_lines_and_without_a_line():
    events = [
        reduction("ArgMax", "logits:0", "train.py:41"),
        reduction("ArgMax_3", "logits:0", "train.py:70"),
        reduction("ArgMax_9", "probs:0", None),
    ]
    findings = run("ND702", healthy_mlp(events=events))
    assert [f.source for f in findings] == ["train.py:41", "train.py:70", None]
    assert findings[2].message.startswith("`tf.argmax` reduces the batch axis")


# ---- silence on healthy runs; no TensorFlow ----------------------------------------------------
@pytest.mark.parametrize("code", ["ND701", "ND702"])
def test_silent_on_healthy_and_on_zero_init_runs(code):
    assert run(code, healthy_mlp()) == [] and run(code, zero_init_mlp()) == []


def test_graph_rules_are_registered_in_their_family():
    import netdoctor.rules

    assert REGISTRY["ND701"].name == "graph-growth" and REGISTRY["ND702"].name == "batch-axis-reduction"
    assert "ND7xx" in netdoctor.rules.__doc__


def test_graph_rules_do_not_import_tensorflow():
    script = "import sys, netdoctor.rules.graph; assert 'tensorflow' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
