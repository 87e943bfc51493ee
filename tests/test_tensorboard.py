"""TensorBoard export: the events read back hold the recording's numbers and the diagnosis."""

from __future__ import annotations

import math
import subprocess
import sys
from collections import defaultdict

import numpy as np
import pytest

from netdoctor.findings import Verdict
from netdoctor.judge import diagnose
from netdoctor.output.tensorboard import findings_markdown, scalars, write_tensorboard
from netdoctor.recording import Recording

from synthetic import SAMPLES, healthy_mlp, zero_init_mlp

#: The regularization penalty: infinite at the third sample, as an exploding run records it.
PENALTY = [0.0, 0.0, math.inf] + [0.0] * (SAMPLES - 3)


def expected_scalars(rec: Recording) -> dict[str, list[tuple[int, float]]]:
    """What the recording holds, tag by tag, read through its own accessors."""
    expected: dict[str, list[tuple[int, float]]] = {
        "netdoctor/loss": list(enumerate(rec.train_loss)),
        "netdoctor/accuracy": list(enumerate(rec.train_accuracy)),
        "netdoctor/held_out/loss": [(e["step"], e["loss"]) for e in rec.evals],
        "netdoctor/held_out/accuracy": [(e["step"], e["accuracy"]) for e in rec.evals],
    }
    for field in ("memory_rss", "regularization_loss"):
        expected[f"netdoctor/{field}"] = [(s["step"], float(s[field])) for s in rec.samples]  # "inf" as saved
    steps = rec.sample_steps
    for layer, entry in rec.samples[0]["layers"].items():
        for metric in entry:
            expected[f"netdoctor/{layer}/{metric}"] = list(zip(steps, rec.layer_series(layer, metric)))
    for variable, entry in rec.samples[0]["variables"].items():
        for metric in entry:
            expected[f"netdoctor/variables/{variable}/{metric}"] = list(
                zip(steps, rec.variable_series(variable, metric))
            )
    return expected


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A sick run written to TensorBoard and read back: (report, run folder, scalars, texts)."""
    tf = pytest.importorskip("tensorflow")
    report = diagnose(zero_init_mlp(sample_fields={"regularization_loss": PENALTY}))
    directory = tmp_path_factory.mktemp("logs")
    run = write_tensorboard(report, directory)
    read: dict[str, list[tuple[int, float]]] = defaultdict(list)
    texts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    plugins = set()
    for path in sorted(run.glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                plugins.add(value.metadata.plugin_data.plugin_name)
                content = tf.make_ndarray(value.tensor)
                if value.metadata.plugin_data.plugin_name == "text":
                    texts[value.tag].append((event.step, content.item().decode()))
                else:
                    read[value.tag].append((event.step, float(content)))
    return report, directory, run, dict(read), dict(texts), plugins


def test_the_run_is_a_netdoctor_folder_of_scalars_and_text(written):
    _, directory, run, _, _, plugins = written
    assert run == directory / "netdoctor"
    assert list(run.glob("events.out.tfevents.*"))
    assert plugins == {"scalars", "text"}  # no histograms: the recording holds no weights


def test_every_recorded_series_is_a_scalar_with_its_steps_and_values(written):
    report, _, _, read, _, _ = written
    expected = expected_scalars(report.recording)
    assert set(read) == set(expected)
    for tag, points in expected.items():
        steps, values = zip(*points)
        assert [step for step, _ in read[tag]] == list(steps), tag
        np.testing.assert_allclose([v for _, v in read[tag]], values, rtol=1e-6, err_msg=tag)


def test_spot_checks_of_the_tags(written):
    report, _, _, read, _, _ = written
    rec = report.recording
    assert len(read["netdoctor/loss"]) == rec.steps == 1000
    assert read["netdoctor/held_out/accuracy"] == [(1000, pytest.approx(0.1135))]
    assert read["netdoctor/dense/kernel_std"][0] == (0, 0.0)
    assert read["netdoctor/regularization_loss"][2] == (rec.sample_steps[2], math.inf)
    assert read["netdoctor/variables/dense_2/bias/grad_norm"][-1] == (999, pytest.approx(0.05))


def test_the_findings_and_the_verdict_are_text_at_the_last_step(written):
    report, _, _, _, texts, _ = written
    assert report.verdict is Verdict.SICK
    ((step, table),) = texts["netdoctor/findings"]
    assert step == report.recording.steps
    assert table.splitlines()[0] == "| code | rule | severity | step | layers | finding |"
    rows = table.splitlines()[2:]
    assert len(rows) == len(report.findings)
    for row, finding in zip(rows, report.findings):
        step = "" if finding.step is None else str(finding.step)
        assert row.startswith(f"| {finding.code} | {finding.name} | {finding.severity.value} | {step} |")
    ((_, verdict),) = texts["netdoctor/verdict"]
    assert verdict.startswith("**sick**: root cause ND101 constant-weights")
    assert report.outcome.sentence in verdict


def test_unmeasured_accuracy_is_left_out_and_non_finite_values_kept():
    rec = healthy_mlp(accuracy=None, test_accuracy=None, layer_metrics={"dense": {"grad_norm": math.nan}})
    found = defaultdict(list)
    for tag, step, value in scalars(rec):
        found[tag].append((step, value))
    assert "netdoctor/accuracy" not in found and "netdoctor/held_out/accuracy" not in found
    assert len(found["netdoctor/loss"]) == 1000
    assert all(math.isnan(value) for _, value in found["netdoctor/dense/grad_norm"])
    assert len(found["netdoctor/dense/grad_norm"]) == SAMPLES


def test_a_pipe_in_a_message_does_not_break_the_findings_table():
    report = diagnose(zero_init_mlp())
    finding = report.findings[0]
    report.findings[0] = type(finding)(**{**vars(finding), "message": "a | b. More."})
    row = findings_markdown(report).splitlines()[2]
    assert row.endswith("| a \\| b. |")
    assert findings_markdown(diagnose(healthy_mlp())) == "No findings."


def test_importing_the_exporter_does_not_import_tensorflow():
    code = "import sys, netdoctor.output.tensorboard; print('tensorflow' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
