"""ND7xx resources: what a training run costs beyond learning, such as memory that keeps growing."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from netdoctor import metrics as m
from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import Recording
from netdoctor.rules.registry import RuleContext, rule

MB = 1e6


@rule(
    "ND703",
    "memory-growth",
    Severity.WARNING,
    "The training process's memory grows steadily, step after step.",
    tier="mechanism",
    explained_by={"ND701"},
    requires={m.MEMORY_RSS},
    warmup=0.1,
    min_rate=50_000,
    min_total=50_000_000,
    min_steadiness=0.5,
)
def memory_growth(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a training process whose resident memory keeps growing at a steady rate.

    **What it checks.** The observer's resident memory (RSS) at each sample after the first
    ``warmup`` share of the steps (TensorFlow allocates and traces in the first steps). It fires
    when memory rose between every two of those samples (at least four), grew by at least
    ``min_rate`` bytes per step over the later half of them, and that later rate is at least
    ``min_steadiness`` times the earlier one: a leak keeps its pace, while allocator growth
    levels off.

    **Why it matters.** Memory that grows with every step is kept by something that collects
    per-step data: a Python list of tensors or arrays, models, layers or functions created
    inside the loop, a callback that stores batches. The run does not learn worse for it, but a
    long run slows down and is killed when memory runs out, hours in. It is a warning: it does
    not explain a model that fails to learn.

    **Example.** A debugging layer that keeps a copy of every batch through ``tf.py_function``:
    +61 MB over 300 steps, 0.21 MB per step.

    **Fix.** Keep only what is needed from each step (Python floats, not tensors; running
    averages, not lists), create models, layers, optimizers and ``tf.function`` objects once,
    before the loop, and clear caches that grow with the data.

    **Options.** ``warmup`` (default 0.1): share of the first steps left out.
    ``min_rate`` (default 50,000 bytes, i.e. 50 MB per 1,000 steps): the smallest growth per step
    that counts. ``min_total`` (default 50 MB): the smallest growth over the run that counts.
    ``min_steadiness`` (default 0.5): how much of its early pace the growth must keep.
    """
    points = [
        (int(s[m.STEP]), float(s[m.MEMORY_RSS]))
        for s in rec.samples
        if s.get(m.MEMORY_RSS) is not None and s[m.STEP] >= ctx["warmup"] * rec.steps
    ]
    if len(points) < 4:
        return
    steps, memory = np.array(points).T
    if np.any(np.diff(memory) <= 0):
        return
    middle = len(points) // 2
    early = (memory[middle] - memory[0]) / (steps[middle] - steps[0])
    late = (memory[-1] - memory[middle]) / (steps[-1] - steps[middle])
    if late < ctx["min_rate"] or late < ctx["min_steadiness"] * early or memory[-1] - memory[0] < ctx["min_total"]:
        return
    yield ctx.finding(
        f"process memory grew steadily from {memory[0] / MB:,.0f} MB at step {int(steps[0])} to "
        f"{memory[-1] / MB:,.0f} MB at step {int(steps[-1])} (+{(memory[-1] - memory[0]) / MB:,.0f} MB), "
        f"rising between every two samples and by {late / MB:.2g} MB per step over the last "
        f"ones; at that pace 10,000 more steps take another {late * 10_000 / 1e9:.2g} GB.",
        "Keep only what each step needs: store Python floats (loss.numpy().item()), not tensors "
        "or arrays, in lists; create models, layers, optimizers and tf.functions once, before "
        "the loop; and clear caches that grow with every batch.",
        step=int(steps[-1]),
        evidence=[
            Evidence("memory_growth_per_step", late, f"< {ctx['min_rate']:,.0f} bytes"),
            Evidence(m.MEMORY_RSS, memory[-1], "", step=int(steps[-1])),
        ],
    )
