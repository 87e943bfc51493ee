"""The recording: everything observed during a run, as plain data (numpy arrays and dicts).

The observer (a child process) streams *records*, one JSON object per line; the parent folds
them into a :class:`Recording`. A recording is saved as those same lines, so a saved run can
be judged again without TensorFlow. Record types:

``meta``
    run facts: ``target``, ``mode``, ``data``, ``task``, ``num_classes``, ``loss``, ``from_logits``,
    ``optimizer``, ``learning_rate``, ``steps_planned``, ``batch_size``, ``seed``, ``notes``, ...
    plus ``layers`` (a list of :class:`LayerInfo` dicts) and ``variables`` (name, layer, shape).
    Several ``meta`` records merge into one dict.
``train``
    per-step training numbers from ``start``: ``loss`` and ``accuracy`` lists.
``sample``
    statistics at one sampled ``step``: ``layers`` maps layer name to ``{metric: value}``;
    ``variables`` maps variable name to ``{metric: value}``; ``memory_rss`` is the observer
    process's resident memory in bytes.
``eval``
    held-out ``loss``/``accuracy`` at ``step``.
``event``
    something that happened once (``kind`` plus fields), e.g. the first non-finite value.
``end``
    the run finished: ``steps``, ``duration_s``.
``error``
    the run stopped early: ``message`` (one line), ``detail`` (traceback text).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from netdoctor import metrics as m

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class LayerInfo:
    """Static facts about one layer of the observed model."""

    name: str
    kind: str  # class name: Dense, Conv2D, ReLU, ...
    activation: str | None = None  # relu, softmax, sigmoid, tanh, linear, ... (None: not applicable)
    units: int | None = None  # output units / filters
    fan_in: int | None = None
    fan_out: int | None = None
    kernel_shape: tuple[int, ...] | None = None
    trainable: bool = True
    is_output: bool = False  # produces a model output
    feeds_trainable: bool = False  # its output reaches a further layer with trainable weights
    source: str | None = None  # "file.py:LINE" where the layer was created, when known
    inbound: tuple[str, ...] = ()  # names of the layers whose outputs feed this one
    dropout: float | None = None  # the share of inputs a dropout layer drops in training
    l1: float | None = None  # the kernel regularizer's L1 factor
    l2: float | None = None  # the kernel regularizer's L2 factor
    rescale: tuple[float, float] | None = None  # a Rescaling layer's (scale, offset): x * scale + offset

    @property
    def has_kernel(self) -> bool:
        return self.kernel_shape is not None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LayerInfo:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if known.get("kernel_shape") is not None:
            known["kernel_shape"] = tuple(known["kernel_shape"])
        known["inbound"] = tuple(known.get("inbound") or ())
        if known.get("rescale") is not None:
            known["rescale"] = tuple(known["rescale"])
        return cls(**known)


@dataclass
class Recording:
    """Everything observed in one run, ready to be judged."""

    meta: dict[str, Any] = field(default_factory=dict)
    layers: list[LayerInfo] = field(default_factory=list)
    train_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    train_accuracy: np.ndarray = field(default_factory=lambda: np.zeros(0))
    samples: list[dict[str, Any]] = field(default_factory=list)
    evals: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    end: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    records: list[dict[str, Any]] = field(default_factory=list, repr=False)
    #: Steps spent training other models before the one judged (a pretraining fit), left out.
    earlier_steps: int = 0

    # ---- building -------------------------------------------------------------------------
    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]]) -> Recording:
        rec = cls()
        for record in records:
            rec.add(record)
        return rec

    def add(self, record: dict[str, Any]) -> None:
        """Fold one streamed record into the recording. A ``stage`` record says that training
        moved on to another model: what came before it belongs to that other model and is left
        out, and the steps after it count from 0."""
        self.records.append(record)
        kind = record.get("type")
        if self.earlier_steps and m.STEP in record and kind != "stage":
            record = {**record, m.STEP: int(record[m.STEP]) - self.earlier_steps}
        if kind == "stage":
            self.earlier_steps = int(record[m.STEP])
            self.train_loss, self.train_accuracy = np.zeros(0), np.zeros(0)
            self.samples, self.evals, self.events = [], [], []
        elif kind == "meta":
            body = {k: v for k, v in record.items() if k != "type"}
            if m.LAYERS in body:
                self.layers = [LayerInfo.from_dict(d) for d in body.pop(m.LAYERS)]
            notes = body.pop(m.NOTES, None)
            observed = body.pop(m.OBSERVED, None)
            self.meta.update(body)
            if notes:
                self.meta.setdefault(m.NOTES, []).extend(notes)
            if observed:
                self.meta[m.OBSERVED] = sorted(set(self.meta.get(m.OBSERVED, [])) | set(observed))
        elif kind == "train":
            start = int(record["start"]) - self.earlier_steps
            self._append_train(start, record.get(m.LOSS, []), record.get(m.ACCURACY))
        elif kind == "sample":
            self.samples.append(record)
        elif kind == "eval":
            self.evals.append(record)
        elif kind == "event":
            self.events.append(record)
        elif kind == "end":
            self.end = record
        elif kind == "error":
            self.error = record

    def _append_train(self, start: int, loss: list, accuracy: list | None) -> None:
        stop = start + len(loss)
        if stop > self.train_loss.size:
            self.train_loss = _grow(self.train_loss, stop)
            self.train_accuracy = _grow(self.train_accuracy, stop)
        self.train_loss[start:stop] = _floats(loss)
        if accuracy is not None:
            self.train_accuracy[start:stop] = _floats(accuracy)

    # ---- reading --------------------------------------------------------------------------
    @property
    def complete(self) -> bool:
        return self.end is not None and self.error is None

    @property
    def steps(self) -> int:
        """Training steps actually run."""
        if self.end is not None:
            return int(self.end.get("steps", self.train_loss.size)) - self.earlier_steps
        return int(self.train_loss.size)

    @property
    def sample_steps(self) -> np.ndarray:
        return np.array([s[m.STEP] for s in self.samples], dtype=int)

    @property
    def provided(self) -> set[str]:
        """The metrics and run facts this run has: what its observers said they measure, the run
        facts they wrote, and what its records hold (for recordings that did not say)."""
        found = set(self.meta.get(m.OBSERVED) or [])
        found |= {name for name, value in self.meta.items() if value not in (None, [], {})}
        if np.isfinite(self.train_loss).any():
            found.add(m.LOSS)
        if np.isfinite(self.train_accuracy).any() or self.test_accuracy is not None:
            found.add(m.ACCURACY)
        for sample in self.samples:
            found |= {key for key, value in sample.items() if value is not None}
        if m.OBSERVED not in self.meta:
            for sample in self.samples:
                for entries in (sample.get(m.SAMPLE_LAYERS, {}), sample.get(m.SAMPLE_VARIABLES, {})):
                    for entry in entries.values():
                        found |= set(entry)
        return found

    def layer(self, name: str) -> LayerInfo | None:
        return next((layer for layer in self.layers if layer.name == name), None)

    @property
    def kernel_layers(self) -> list[LayerInfo]:
        return [layer for layer in self.layers if layer.has_kernel]

    def layer_series(self, layer: str, metric: str) -> np.ndarray:
        """One metric of one layer over the sampled steps (NaN where it was not recorded)."""
        return np.array(
            [_float(s.get(m.SAMPLE_LAYERS, {}).get(layer, {}).get(metric)) for s in self.samples]
        )

    def variable_series(self, variable: str, metric: str) -> np.ndarray:
        return np.array(
            [_float(s.get(m.SAMPLE_VARIABLES, {}).get(variable, {}).get(metric)) for s in self.samples]
        )

    @property
    def variables(self) -> list[dict[str, Any]]:
        return list(self.meta.get(m.VARIABLES, []))

    def events_of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("kind") == kind]

    @property
    def test_accuracy(self) -> float | None:
        return _last(self.evals, m.ACCURACY)

    @property
    def test_loss(self) -> float | None:
        return _last(self.evals, m.LOSS)

    # ---- saving ---------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write the recording as JSON lines (the same records the observer streamed)."""
        with open(path, "w", encoding="utf-8") as out:
            out.write(json.dumps({"type": "recording", "schema_version": SCHEMA_VERSION}) + "\n")
            for record in self.records:
                out.write(dumps(record) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> Recording:
        """Read a recording written by :meth:`save`; raises ``ValueError`` on a bad file."""
        with open(path, encoding="utf-8") as lines:
            return cls.from_records(read_records(lines))


def read_records(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Parse JSON lines lazily, skipping blanks and the file header.

    A bad last line is dropped (the writer died mid-line); a bad line anywhere else raises
    ``ValueError``.
    """
    torn: str | None = None
    for number, line in enumerate(lines, start=1):
        if torn is not None:
            raise ValueError(torn)
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            torn = f"line {number} is not a JSON record: {exc.msg}"
            continue
        if not isinstance(record, dict) or "type" not in record:
            raise ValueError(f"line {number} is not a netdoctor record")
        if record["type"] != "recording":
            yield record


def dumps(record: dict[str, Any]) -> str:
    """JSON for one record; NaN and infinities become strings so any JSON reader accepts it."""
    return json.dumps(jsonable(record), separators=(",", ":"))


def jsonable(value: Any) -> Any:
    """Only JSON types: numpy values unwrapped, dataclasses as dicts, non-finite floats as the
    strings ``nan``, ``inf``, ``-inf``, anything else as its text."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else str(value)
    if hasattr(value, "__dataclass_fields__"):
        return jsonable(asdict(value))
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _float(value: Any) -> float:
    if value is None:
        return math.nan
    if isinstance(value, str):
        return float(value)  # "nan", "inf", "-inf"
    return float(value)


def _floats(values: Iterable[Any]) -> np.ndarray:
    return np.array([_float(v) for v in values], dtype=float)


def _grow(array: np.ndarray, size: int) -> np.ndarray:
    grown = np.full(size, np.nan)
    grown[: array.size] = array
    return grown


def _last(records: list[dict[str, Any]], key: str) -> float | None:
    for record in reversed(records):
        if record.get(key) is not None:
            return _float(record[key])
    return None
