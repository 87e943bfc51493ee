"""TensorBoard export: the recorded series and the diagnosis as event files.

:func:`write_tensorboard` writes one run, ``netdoctor``, beside the ``train`` and ``validation``
runs Keras's TensorBoard callback writes, so both can share a log directory. Its tags, on the
training-step axis:

- ``netdoctor/loss``, ``netdoctor/accuracy``: the training batch's numbers at every step;
- ``netdoctor/held_out/loss``, ``netdoctor/held_out/accuracy``: each held-out evaluation;
- ``netdoctor/<field>``: the numbers of each sampled step, such as ``memory_rss``;
- ``netdoctor/<layer>/<metric>``: every per-layer metric at each sampled step, and
  ``netdoctor/variables/<variable>/<metric>`` every per-variable one;
- ``netdoctor/findings`` and ``netdoctor/verdict``: the diagnosis as text, at the last step.

There are no histograms: a recording holds statistics of the weights (mean, std, min, max,
norm), never the weights themselves.

The events are written with TensorFlow's own ``tf.summary.write``, in the form TensorBoard's
scalars and text plugins read: ``tf.summary.scalar`` and ``tf.summary.text`` live in the
``tensorboard`` package, which TensorFlow no longer installs. Viewing them needs TensorBoard;
writing them does not.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from netdoctor import metrics as m
from netdoctor.findings import Report
from netdoctor.output.summary import incomplete_reason
from netdoctor.recording import Recording

RUN = "netdoctor"
HELD_OUT = f"{RUN}/held_out"
VARIABLES = f"{RUN}/variables"
FINDINGS_TAG = f"{RUN}/findings"
VERDICT_TAG = f"{RUN}/verdict"
#: The numbers a sample record holds besides its step and its per-layer and per-variable metrics.
SAMPLE_FIELDS = tuple(sorted(m.names("sample") - {m.STEP, m.SAMPLE_LAYERS, m.SAMPLE_VARIABLES}))
#: The plugin that shows a series, and the kind of data it holds (TensorBoard's ``DataClass``).
SCALAR_PLUGIN = ("scalars", "DATA_CLASS_SCALAR")
TEXT_PLUGIN = ("text", "DATA_CLASS_TENSOR")
FINDING_COLUMNS = ("code", "rule", "severity", "step", "layers", "finding")


def write_tensorboard(report: Report, directory: Path) -> Path:
    """Write the report's recording and diagnosis as TensorBoard events in ``directory/netdoctor``;
    return that folder."""
    tf = _import_tensorflow()
    rec = report.recording
    run_directory = Path(directory) / RUN
    writer = tf.summary.create_file_writer(str(run_directory))
    scalar, text = _metadata(tf, *SCALAR_PLUGIN), _metadata(tf, *TEXT_PLUGIN)
    try:
        with writer.as_default():
            for tag, step, value in scalars(rec):
                tf.summary.write(tag, tf.constant(value, tf.float32), step=step, metadata=scalar)
            for tag, markdown in (
                (FINDINGS_TAG, findings_markdown(report)),
                (VERDICT_TAG, verdict_markdown(report)),
            ):
                tf.summary.write(tag, tf.constant(markdown), step=rec.steps, metadata=text)
    finally:
        writer.close()  # flushes
    return run_directory


def _import_tensorflow() -> Any:
    """TensorFlow, imported here (netdoctor runs without it) with its start-up chatter on the C++
    side (oneDNN, CUDA, CPU features) kept off the user's terminal."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    stderr = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            import tensorflow as tf
        finally:
            os.dup2(stderr, 2)
            os.close(stderr)
    return tf


def scalars(rec: Recording) -> Iterator[tuple[str, int, float]]:
    """Every recorded number as ``(tag, step, value)``, each tag's steps in order; NaN and
    infinities as recorded. The per-step loss and accuracy are left out when no step has a finite
    one: the recording keeps them as arrays, where NaN also stands for "not measured"."""
    for name, values in ((m.LOSS, rec.train_loss), (m.ACCURACY, rec.train_accuracy)):
        if np.isfinite(values).any():
            for step, value in enumerate(values):
                yield f"{RUN}/{name}", step, float(value)
    for evaluation in rec.evals:
        for name in (m.LOSS, m.ACCURACY):
            if evaluation.get(name) is not None:
                yield f"{HELD_OUT}/{name}", int(evaluation[m.STEP]), float(evaluation[name])
    for sample in rec.samples:
        step = int(sample[m.STEP])
        for name in SAMPLE_FIELDS:
            if sample.get(name) is not None:
                yield f"{RUN}/{name}", step, float(sample[name])
        for prefix, scope in ((RUN, m.SAMPLE_LAYERS), (VARIABLES, m.SAMPLE_VARIABLES)):
            for owner, entry in (sample.get(scope) or {}).items():
                for metric, value in entry.items():
                    if value is not None:  # float() reads the "nan" and "inf" a saved run holds
                        yield f"{prefix}/{owner}/{metric}", step, float(value)


def findings_markdown(report: Report) -> str:
    """A Markdown table of the findings, worst first: code, rule, severity, step, layers, gist."""
    if not report.findings:
        return "No findings."
    rows = [FINDING_COLUMNS, tuple("---" for _ in FINDING_COLUMNS)]
    for finding in report.findings:
        step = "" if finding.step is None else str(finding.step)
        rows.append(
            (
                finding.code,
                finding.name,
                finding.severity.value,
                step,
                ", ".join(finding.all_layers),
                finding.gist(),
            )
        )
    return "\n".join("| " + " | ".join(_cell(text) for text in row) + " |" for row in rows)


def verdict_markdown(report: Report) -> str:
    """``**sick**: root cause ND101 constant-weights`` (or why the run stopped), then the
    outcome in a sentence."""
    text = f"**{report.verdict.value}**"
    reason = incomplete_reason(report.recording)
    if reason is not None:
        text += f": {reason}"
    elif report.findings:
        text += ": root cause " + ", ".join(f"{f.code} {f.name}" for f in report.root_causes)
    if report.outcome is not None:
        text += f"\n\n{report.outcome.sentence}"
    return text


def _metadata(tf: Any, plugin: str, data_class: str) -> Any:
    """The ``SummaryMetadata`` TensorBoard's ``plugin`` writes (its plugin data at version 0 is empty)."""
    return tf.compat.v1.SummaryMetadata(
        plugin_data=tf.compat.v1.SummaryMetadata.PluginData(plugin_name=plugin), data_class=data_class
    )


def _cell(text: str) -> str:
    """Table-safe Markdown: a ``|`` would end the cell, a newline the row."""
    return text.replace("|", "\\|").replace("\n", " ")
