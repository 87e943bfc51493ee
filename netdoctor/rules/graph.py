"""ND7xx: graph. Programs that rebuild their computation while training, and metrics that
reduce over the wrong axis. Read from what the observer saw of the user's graph and functions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np

from netdoctor import metrics as m
from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import Recording
from netdoctor.rules.registry import RuleContext, rule

GROWTH_FIX = (
    "Build every op once, before the training loop (e.g. `accuracy = ...` next to the loss), and "
    "only run it inside the loop: `sess.run(accuracy, feed_dict=...)`. Call "
    "`tf.get_default_graph().finalize()` before the loop: TensorFlow then raises at the first op "
    "created by mistake."
)
RETRACE_FIX = (
    "Pass tensors, not Python numbers, to a tf.function: `tf.constant(value)`, or a `tf.Variable` "
    "that you assign to; or fix its inputs with `input_signature=[tf.TensorSpec(...), ...]`. "
    "Create the function once, outside the loop."
)
VARIABLES_FIX = (
    "Create layers, models, optimizers and tf.Variables once, before the training loop (or in "
    "`__init__`/`build`), and only call them inside the training step."
)
AXIS_FIX = (
    "Reduce over the class axis: `tf.argmax(logits, axis=1)` (or `axis=-1`). `tf.argmax` without "
    "an axis reduces axis 0, the batch."
)


@rule(
    "ND701",
    "graph-growth",
    Severity.ERROR,
    "The graph, a tf.function's traces or the variables keep growing while training runs.",
    tier="defect",
    min_repeats=3,
    min_calls=5,
    retrace_share=0.5,
    creation_share=0.1,
)
def graph_growth(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a training loop that keeps adding to the computation it runs.

    **What it checks.** Three ways of growing, each at ``min_repeats`` or more training steps:
    a TF1 graph that gains ops between ``Session.run`` calls of the training op; a
    ``tf.function`` traced again on at least ``retrace_share`` of its calls after the first
    (once it has been called ``min_calls`` times); and ``tf.Variable``s created after the
    first training step, at ``creation_share`` or more of the steps of the stretch in which they
    are created (a metric made once per epoch is not a step that grows). A graph that gains ops once (an evaluation op built after training, a
    summary op at the first step) is normal and not flagged.

    **Why it matters.** Ops built inside the loop are added to the graph on every pass and never
    removed: each ``Session.run`` works on a larger graph, the program slows down and its memory
    grows until it runs out. A ``tf.function`` that retraces builds and compiles a new graph on
    each call, which costs far more than the step itself, and keeps every trace. Layers or
    variables created inside the step start from fresh random weights every time: they never
    learn.

    **Example.** ``sess.run(tf.reduce_mean(tf.cast(tf.equal(...), tf.float32)))`` inside the
    loop; ``train_step(x, y, learning_rate)`` with a Python float that changes every step.

    **Fix.** Build ops, layers and variables once, outside the loop; call
    ``graph.finalize()`` before it so TensorFlow raises at the first new op; pass tensors, not
    Python numbers, to a ``tf.function``.

    **Options.** ``min_repeats`` (default 3): training steps with new ops or variables that
    make growth. ``min_calls`` (default 5): calls before a function is judged.
    ``retrace_share`` (default 0.5): share of calls that retrace to fire.
    ``creation_share`` (default 0.1): share of steps that create variables to fire.
    """
    yield from _growing_graph(rec, ctx)
    yield from _retracing(rec, ctx)
    yield from _new_variables(rec, ctx)


def _growing_graph(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    growths = rec.events_of(m.GRAPH_GROWTH)
    if len(growths) < ctx["min_repeats"]:
        return
    steps = [int(g[m.STEP]) for g in growths]
    added = sum(int(g["added"]) for g in growths)
    end = int(growths[-1]["ops"])
    origin, created = _main_origin(growths, "ops")
    types = _types(growths[-1].get("op_types", {}))
    message = (
        f"the TF1 graph keeps growing while training runs: ops were added at {len(growths)} of "
        f"{rec.steps:,} training steps ({_when(steps)}), {added:,} ops in all, "
        f"{added / len(growths):.3g} each time ({types}), {added / max(rec.steps, 1):.3g} per "
        f"training step on average; it grew from {end - added:,} to {end:,} ops."
    )
    if origin is not None:
        message += f" {created:,} of them are created at {_where(origin)}."
    yield ctx.finding(
        message + " Every Session.run works on the larger graph: the program slows down and its "
        "memory grows until it runs out.",
        GROWTH_FIX,
        step=steps[0],
        source=origin.get("source") if origin else None,
        evidence=[
            Evidence("graph_growths", len(growths), f"< {ctx['min_repeats']}", step=steps[-1]),
            Evidence("ops_added", added, "0 after the first training step", step=steps[-1]),
            Evidence("ops_added_per_step", added / max(rec.steps, 1), "0"),
        ],
    )


def _retracing(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    for function in rec.meta.get(m.TF_FUNCTIONS) or []:
        calls, retraces = int(function["calls"]), int(function["retraces"])
        if calls < ctx["min_calls"] or retraces < ctx["retrace_share"] * (calls - 1):
            continue
        message = (
            f"tf.function `{function['name']}` ({function['source']}) is traced again on "
            f"{retraces:,} of its {calls - 1:,} calls after the first ({retraces / (calls - 1):.0%}), "
            f"from step {function.get('first_retrace_step')} on: about {retraces / calls:.2g} new "
            "graphs per call. Each retrace builds and compiles a new graph, which costs far more "
            "than running the step, and every trace is kept."
        )
        changed = function.get("python_arguments") or {}
        if changed:
            names = ", ".join(f"`{name}`" for name in changed)
            message += (
                f" The calls that retraced passed Python values that changed: {names}; a "
                "tf.function traces again for every new Python value."
            )
        yield ctx.finding(
            message,
            RETRACE_FIX,
            step=function.get("first_retrace_step"),
            source=function["source"],
            evidence=[
                Evidence("retraces", retraces, f"< {ctx['retrace_share']:.0%} of calls"),
                Evidence("calls", calls, ""),
            ],
        )


def _new_variables(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    created = rec.events_of(m.VARIABLES_CREATED)
    if len(created) < ctx["min_repeats"]:
        return
    steps = [int(e[m.STEP]) for e in created]
    if len(created) < ctx["creation_share"] * (steps[-1] - steps[0] + 1):
        return  # now and then (once an epoch), not at the steps themselves
    total = sum(int(e["count"]) for e in created)
    origin, count = _main_origin(created, "created")
    message = (
        f"new variables are created while training runs: {total:,} tf.Variables at {len(created)} "
        f"of {rec.steps:,} training steps ({_when(steps)}), {total / len(created):.3g} each time."
    )
    if origin is not None:
        message += f" {count:,} of them are created at {_where(origin)}."
    yield ctx.finding(
        message + " Whatever creates them runs again at every step: a layer made there starts "
        "from fresh weights each time, so it never learns, and memory grows with every step.",
        VARIABLES_FIX,
        step=steps[0],
        source=origin.get("source") if origin else None,
        evidence=[
            Evidence("steps_creating_variables", len(created), f"< {ctx['min_repeats']}", step=steps[-1]),
            Evidence(m.VARIABLES_CREATED, total, "0 after the first training step", step=steps[-1]),
        ],
    )


@rule(
    "ND702",
    "batch-axis-reduction",
    Severity.ERROR,
    "An arg-max that feeds a comparison or metric reduces over the batch axis, not the classes.",
    tier="defect",
)
def batch_axis_reduction(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag an accuracy or metric built on ``argmax`` over axis 0 of a [batch, classes] tensor.

    **What it checks.** Every ``ArgMax``/``ArgMin`` op of a TF1 graph (read statically by the
    observer) whose input has two dimensions, whose axis is 0, and whose result flows into a
    comparison such as ``tf.equal``. One finding per line of code that builds such ops.

    **Why it matters.** For logits or one-hot labels of shape [batch, classes], axis 0 is the
    batch: ``tf.argmax(logits)`` gives, for each class, the example with the highest score, not
    each example's predicted class. An accuracy computed from it compares meaningless numbers,
    so it says nothing about the model, and a bug in training can hide behind it.

    **Example.** ``tf.equal(tf.argmax(logits), tf.argmax(labels))``: ``tf.argmax`` without an
    axis reduces axis 0.

    **Fix.** Reduce over the class axis: ``tf.argmax(logits, axis=1)`` (or ``axis=-1``).
    """
    by_line: dict[Any, list[dict[str, Any]]] = {}
    for event in rec.events_of(m.BATCH_AXIS_REDUCTION):
        by_line.setdefault(event.get("source") or event["op"], []).append(event)
    for found in by_line.values():
        first = found[0]
        reduced = ", ".join(
            f"`{e['op']}` over axis {e['axis']} of `{e['input']}` {_shape(e.get('tensor_shape'))}"
            for e in found
        )
        function = first["op_type"].lower()
        where = f" at {_where(first)}" if first.get("source") else ""
        yield ctx.finding(
            f"`tf.{function}`{where} reduces the batch axis of a [batch, classes] tensor "
            f"({reduced}), and its result feeds `{first['consumer']}`: it finds, for each class, "
            "the example with the largest value instead of each example's class, so the accuracy "
            "or metric built on it is meaningless.",
            AXIS_FIX,
            source=first.get("source"),
            evidence=[
                Evidence(f"{e['op_type']} axis", e["axis"], "1 (the class axis)", e["op"]) for e in found
            ],
        )


def _main_origin(events: list[dict[str, Any]], unit: str) -> tuple[dict[str, Any] | None, int]:
    """The place that created the most ops or variables over all events, and how many."""
    counts: Counter = Counter()
    origins = {}
    for event in events:
        for source in event.get("sources") or []:
            counts[source["source"]] += int(source.get(unit, 0))
            origins.setdefault(source["source"], source)
    if not counts:
        return None, 0
    source, count = counts.most_common(1)[0]
    return origins[source], count


def _where(origin: dict[str, Any]) -> str:
    """'file.py:41 (`code`) in `accuracy`, called from file.py:63'."""
    text = origin["source"]
    if origin.get("code"):
        text += f" (`{origin['code']}`)"
    if origin.get("function") and origin["function"] != "<module>":
        text += f" in `{origin['function']}`"
    if origin.get("called_from"):
        text += f", called from {origin['called_from']}"
    return text


def _when(steps: list[int]) -> str:
    """'steps 1-901, every 100 steps' or 'steps 3-40'."""
    text = f"steps {steps[0]}-{steps[-1]}"
    gaps = np.diff(steps)
    if gaps.size and np.all(gaps == gaps[0]):
        text += f", every {int(gaps[0])} steps" if gaps[0] > 1 else ", every step"
    return text


def _types(op_types: dict[str, int]) -> str:
    return ", ".join(f"{name} x{n}" if n > 1 else name for name, n in op_types.items()) or "ops"


def _shape(shape: list | None) -> str:
    if shape is None:
        return ""
    return "[" + ", ".join("?" if d is None else str(d) for d in shape) + "]"
