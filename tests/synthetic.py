"""Synthetic recordings for rule tests, built from the records an observer streams (no TensorFlow).

``make_recording`` starts from a healthy run of the given layers and lets a test override any
per-layer or per-variable metric, run fact or per-sample field; ``healthy_mlp`` and
``zero_init_mlp`` are the two reference runs of a 784-16-16-10 MNIST MLP. ``run`` and ``only``
apply one rule to a recording.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from netdoctor.findings import Finding
from netdoctor.judge import diagnose
from netdoctor.recording import LayerInfo, Recording, dumps
from netdoctor.rules import REGISTRY

#: Share of each digit in the MNIST training set: always guessing "1" scores 0.1124.
MNIST_CLASS_FRACTIONS = [
    0.0987, 0.1124, 0.0993, 0.1022, 0.0974, 0.0904, 0.0986, 0.1044, 0.0975, 0.0991,
]

#: MNIST pixels as netdoctor feeds them: scaled to [0, 1].
MNIST_INPUT_STATS = {"min": 0.0, "max": 1.0, "mean": 0.1315, "std": 0.3088, "nonfinite": 0.0}

#: Outcome of a run that fails to learn: flat loss at ln 10, accuracy at chance.
NOT_LEARNING = {"loss": (2.3026, 2.3010), "accuracy": (0.10, 0.11), "test_accuracy": 0.1135}

#: A metric value: one number for every sample, one per sample, or None to leave it unrecorded.
Value = float | Sequence[float] | None

SAMPLES = 20  # make_recording's default: steps 0, 53, 105, ..., 999


def run(code: str, rec: Recording, **options) -> list[Finding]:
    """The findings of rule ``code`` on ``rec`` as the judge reports them (gated by the outcome,
    one finding for all its layers), with ``options`` over its defaults."""
    findings = diagnose(rec, select=[code], options={code: options}).findings
    assert all(f.code == code and f.name == REGISTRY[code].name for f in findings)
    return findings


def only(code: str, rec: Recording, **options) -> Finding:
    """The single finding of rule ``code`` on ``rec``."""
    findings = run(code, rec, **options)
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


def series(*parts: tuple[float, int]) -> list[float]:
    """Per-sample values from (value, count) runs: series((0.1, 12), (0.75, 8))."""
    values = [value for value, count in parts for _ in range(count)]
    assert len(values) == SAMPLES
    return values


def dense(
    name: str,
    fan_in: int,
    units: int,
    activation: str = "relu",
    *,
    is_output: bool = False,
    line: int = 10,
    inbound: tuple[str, ...] = (),
) -> LayerInfo:
    """A Dense layer as the observer describes it; an output layer feeds no further layer."""
    return LayerInfo(
        name=name,
        kind="Dense",
        activation=activation,
        units=units,
        fan_in=fan_in,
        fan_out=units,
        kernel_shape=(fan_in, units),
        is_output=is_output,
        feeds_trainable=not is_output,
        source=f"model.py:{line}",
        inbound=inbound,
    )


#: The input layer a functional or Sequential model starts with (a subclassed model has none).
INPUT_LAYER = LayerInfo(name="input_layer", kind="InputLayer", feeds_trainable=True)


def mlp_layers(widths: Sequence[int] = (784, 16, 16, 10), activation: str = "relu") -> list[LayerInfo]:
    """A Sequential model's layers as Keras names them (input_layer, dense, dense_1, ...), each
    Dense reading the one before, the last one a softmax."""
    count = len(widths) - 1
    names = ["dense"] + [f"dense_{i}" for i in range(1, count)]
    return [INPUT_LAYER] + [
        dense(
            names[i],
            widths[i],
            widths[i + 1],
            "softmax" if i == count - 1 else activation,
            is_output=i == count - 1,
            line=10 + i,
            inbound=(names[i - 1],) if i else (),
        )
        for i in range(count)
    ]


def curve(start: float, end: float, steps: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """An exponential approach from ``start`` to ``end``, times (1 + ``noise`` * N(0, 1))."""
    decay = np.exp(-5.0 * np.linspace(0.0, 1.0, steps))
    values = end + (start - end) * (decay - decay[-1]) / (1.0 - decay[-1])
    return values * (1.0 + noise * np.random.default_rng(seed).standard_normal(steps))


def healthy_layer_metrics(layer: LayerInfo, samples: int) -> dict[str, np.ndarray]:
    """What a randomly initialized layer that trains well looks like, sample by sample."""
    metrics: dict[str, np.ndarray] = {}
    if layer.activation == "relu":
        metrics["dead_fraction"] = np.full(samples, 0.1)
    if not layer.has_kernel:
        return metrics
    fan_in, fan_out = layer.fan_in or 1, layer.fan_out or 1
    scale = math.sqrt(2.0 / (fan_in if layer.activation == "relu" else fan_in + fan_out))  # He / Glorot
    std = scale * np.linspace(1.0, 1.3, samples)
    norm = std * math.sqrt(int(np.prod(layer.kernel_shape)))
    metrics.update(
        kernel_mean=np.linspace(0.0, 0.002, samples),
        kernel_std=std,
        kernel_min=-4.0 * std,
        kernel_max=4.0 * std,
        kernel_norm=norm,
        grad_norm=np.geomspace(1.0, 0.1, samples),
        update_ratio=np.full(samples, 1e-3),
        update_norm=1e-3 * norm,
        symmetric_fraction=np.zeros(samples),
        nonfinite_kernel=np.zeros(samples),
        nonfinite_activation=np.zeros(samples),
    )
    return metrics


def make_recording(
    layers: list[LayerInfo] | None = None,
    *,
    steps: int = 1000,
    loss: tuple[float, float] | Sequence[float] = (2.3, 0.3),
    accuracy: tuple[float, float] | Sequence[float] | None = (0.1, 0.92),
    test_accuracy: float | None = 0.9,
    num_samples: int = SAMPLES,
    layer_metrics: dict[str, dict[str, Value]] | None = None,
    variable_metrics: dict[str, dict[str, Value]] | None = None,
    missing_gradients: Iterable[str] = (),
    events: Iterable[dict[str, Any]] = (),
    task: str = "multiclass",
    num_classes: int | None = 10,
    class_fractions: list[float] | None = MNIST_CLASS_FRACTIONS,
    meta: dict[str, Any] | None = None,
    sample_fields: dict[str, Value] | None = None,
) -> Recording:
    """A complete recording of a run, healthy except for what the arguments override.

    ``loss`` and ``accuracy`` are per-step arrays or ``(start, end)`` pairs for a smooth curve.
    Samples are ``num_samples`` evenly spaced steps from 0 to ``steps - 1``. Each layer and
    variable metric starts from :func:`healthy_layer_metrics`; ``layer_metrics`` and
    ``variable_metrics`` replace single metrics. A kernel variable's gradient norm follows its
    layer's, a bias's is half of it. ``meta`` replaces run facts (loss, labels, input_stats, ...);
    ``sample_fields`` replaces per-sample fields besides the metrics (``memory_rss``, which
    starts at 700 MB and levels off at 730 MB by the fourth sample). Records go through the
    JSON writer, as a saved run would.
    """
    layers = mlp_layers() if layers is None else layers
    sample_steps = np.linspace(0, steps - 1, num_samples).round().astype(int)
    per_layer = {
        layer.name: _override(
            healthy_layer_metrics(layer, num_samples), (layer_metrics or {}).get(layer.name), num_samples
        )
        for layer in layers
    }
    variables, per_variable = _variables(layers, per_layer, set(missing_gradients), num_samples)
    for name, changes in (variable_metrics or {}).items():
        per_variable[name] = _override(per_variable[name], changes, num_samples)

    per_sample = _override(
        {"memory_rss": 700e6 + 10e6 * np.minimum(np.arange(num_samples), 3)}, sample_fields, num_samples
    )
    train_loss = _series(loss, steps, seed=1)
    train_accuracy = None if accuracy is None else _series(accuracy, steps, seed=2)
    records: list[dict[str, Any]] = [
        {
            "type": "meta", "target": "model.py", "mode": "model", "data": "mnist", "task": task,
            "num_classes": num_classes, "class_fractions": class_fractions,
            "loss": "sparse_categorical_crossentropy", "from_logits": False,
            "output_activation": "softmax", "optimizer": "Adam(learning_rate=0.001)",
            "learning_rate": 1e-3, "steps_planned": steps, "batch_size": 32, "seed": 0,
            "train_examples": 4000, "input_shape": [784], "input_stats": dict(MNIST_INPUT_STATS),
            "labels": {
                "given": "integer", "expected": "integer", "converted": False,
                "stats": {"min": 0.0, "max": 9.0, "mean": 4.5, "std": 2.87, "nonfinite": 0.0},
            },
            "layers": [asdict(layer) for layer in layers], "variables": variables,
            **(meta or {}),
        }
    ]
    for start in range(0, steps, 100):
        chunk = {"type": "train", "start": start, "loss": train_loss[start:start + 100]}
        if train_accuracy is not None:
            chunk["accuracy"] = train_accuracy[start:start + 100]
        records.append(chunk)
    for i, step in enumerate(sample_steps):
        records.append(
            {
                "type": "sample",
                "step": int(step),
                "layers": _at(per_layer, i),
                "variables": _at(per_variable, i),
                **{field: float(values[i]) for field, values in per_sample.items()},
            }
        )
    records += [{"type": "event", **event} for event in events]
    if test_accuracy is not None:
        records.append(
            {"type": "eval", "step": steps, "loss": float(train_loss[-1]), "accuracy": test_accuracy}
        )
    records.append({"type": "end", "steps": steps, "duration_s": 2.5})
    return Recording.from_records(json.loads(dumps(record)) for record in records)


def healthy_mlp(**overrides: Any) -> Recording:
    """784-16-16-10 ReLU MLP that learns: loss 2.3 -> 0.3, accuracy 0.1 -> 0.92, test 0.9."""
    return make_recording(**overrides)


def zero_init_mlp(**overrides: Any) -> Recording:
    """The same MLP with every kernel zero: units identical and dead, no gradient, no learning."""
    zero_kernel = {
        "kernel_mean": 0.0, "kernel_std": 0.0, "kernel_min": 0.0, "kernel_max": 0.0,
        "kernel_norm": 0.0, "grad_norm": 0.0, "update_norm": 0.0, "update_ratio": 0.0,
        "symmetric_fraction": 1.0,
    }
    layers = mlp_layers()
    settings: dict[str, Any] = {
        **NOT_LEARNING,
        "layers": layers,
        "layer_metrics": {
            layer.name: {**zero_kernel, "dead_fraction": 1.0 if layer.activation == "relu" else None}
            for layer in layers
        },
        # Only the output bias learns: it fits the class frequencies.
        "variable_metrics": {"dense_2/bias": {"grad_norm": 0.05}},
    }
    return make_recording(**{**settings, **overrides})


def _variables(
    layers: list[LayerInfo], per_layer: dict[str, dict[str, np.ndarray]], missing: set[str], samples: int
) -> tuple[list[dict[str, Any]], dict[str, dict[str, np.ndarray]]]:
    """Kernel and bias of each kernel layer: their meta entries and metrics that follow the layer's."""
    variables, metrics = [], {}
    for layer in (layer for layer in layers if layer.has_kernel):
        grad = per_layer[layer.name].get("grad_norm", np.full(samples, np.nan))
        nonfinite_kernel = per_layer[layer.name].get("nonfinite_kernel", np.zeros(samples))
        for role, shape, share in (("kernel", layer.kernel_shape, 1.0), ("bias", (layer.units,), 0.5)):
            name = f"{layer.name}/{role}"
            variables.append(
                {
                    "name": name,
                    "layer": layer.name,
                    "shape": list(shape),
                    "role": role,
                    "gradient": "missing" if name in missing else "ok",
                }
            )
            nonfinite_value = nonfinite_kernel if role == "kernel" else np.zeros(samples)
            metrics[name] = {"nonfinite_value": nonfinite_value}
            if name not in missing and not np.all(np.isnan(grad)):  # NaN everywhere: not measured
                metrics[name]["grad_norm"] = share * grad
                metrics[name]["nonfinite_grad"] = (~np.isfinite(grad)).astype(float)
    return variables, metrics


def _at(series: dict[str, dict[str, np.ndarray]], index: int) -> dict[str, dict[str, float]]:
    """Every metric's value at one sample, as a sample record holds them."""
    return {
        name: {metric: float(values[index]) for metric, values in metrics.items()}
        for name, metrics in series.items()
        if metrics
    }


def _series(values: tuple[float, float] | Sequence[float], steps: int, *, seed: int) -> np.ndarray:
    if isinstance(values, tuple) and len(values) == 2:
        return curve(values[0], values[1], steps, noise=0.01, seed=seed)
    array = np.asarray(values, dtype=float)
    assert array.size == steps, f"expected {steps} per-step values, got {array.size}"
    return array


def _override(
    metrics: dict[str, np.ndarray], changes: dict[str, Value] | None, samples: int
) -> dict[str, np.ndarray]:
    """``metrics`` with ``changes`` applied: a value per sample, one for all, or None to drop."""
    metrics = dict(metrics)
    for metric, value in (changes or {}).items():
        if value is None:
            metrics.pop(metric, None)
            continue
        metrics[metric] = np.broadcast_to(np.asarray(value, dtype=float), (samples,)).copy()
    return metrics
