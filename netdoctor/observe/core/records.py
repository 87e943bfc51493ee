"""What every observer writes, and how: the record sink, the step counter with its ``train``
records, and the ``sample`` record format."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from netdoctor import metrics as m
from netdoctor.observe.core.schedule import SampleSchedule
from netdoctor.observe.core.statistics import duplicate_fraction, resident_memory_bytes

#: The first steps are streamed one by one: a broken setup crashes there, and the parent
#: must have every step that ran ...
STREAM_EACH = 64
#: ... later, at most this many steps of training numbers go into one streamed record ...
FLUSH_EVERY = 50
#: ... and they wait at most this long (seconds) before they are streamed.
FLUSH_AFTER = 0.1
#: The per-layer value from which ``symmetric_fraction`` is computed (a few numbers per unit).
SIGNATURE = "signature"


def flush_due(step: int, pending: int, flushed_at: float) -> bool:
    """Whether to stream the ``pending`` steps' numbers now that ``step`` has run, when the last
    record went out at ``flushed_at`` (``time.monotonic()``)."""
    return step < STREAM_EACH or pending >= FLUSH_EVERY or time.monotonic() - flushed_at > FLUSH_AFTER


class Records:
    """Where observations go (anything with ``write(type, **fields)``: the child's record stream,
    or a MemoryWriter); remembers the meta fields written, so one observer can leave alone what
    another described."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.meta_fields: set[str] = set()
        self.types: set[str] = set()  # the record types written so far

    def write(self, type: str, **fields: Any) -> None:
        self.types.add(type)
        if type == "meta":
            self.meta_fields.update(fields)
        self.writer.write(type, **fields)

    def observed(self, provides: frozenset[str]) -> None:
        """Say which metrics the run's observers measure (``observed`` merges over records)."""
        if provides:
            self.write("meta", **{m.OBSERVED: sorted(provides)})


class StepLimitReached(BaseException):
    """Internal: the ``--steps`` cap was reached. Raised through the user's script (so no
    ``except Exception`` in it can swallow it) and caught by the script runner."""


class StepLog:
    """Counts training steps and streams their loss and accuracy as ``train`` records.

    ``limit`` caps the steps: a step that would go past it raises :class:`StepLimitReached`.
    With ``soft``, a Keras ``fit`` that reaches the limit ends normally instead (the program goes
    on, to its own evaluation); only a further step raises. A step without a known loss ends the
    loss stream, so ``train`` records never have gaps. Steps are streamed as :func:`flush_due`
    says: each of the first ones at once, later at least every :data:`FLUSH_AFTER` seconds.
    """

    def __init__(self, records: Records, *, horizon: int | None, limit: int | None = None, soft: bool = False) -> None:
        self.records = records
        self.limit = limit
        self.soft = soft
        self.schedule = SampleSchedule(horizon)
        self.steps = 0
        self._start = 0
        self._loss: list[float] = []
        self._accuracy: list[float | None] = []
        self._streaming = True
        self._flushed_at = time.monotonic()

    def plan(self, more: int) -> None:
        """The program says it will take ``more`` steps from now (a ``fit``'s epochs x batches):
        sample its last step too, where the horizon was not known."""
        if self.schedule.steps is None and more > 0:
            self.schedule = SampleSchedule(self.steps - self.schedule.origin + more, self.schedule.origin)

    def new_stage(self, more: int) -> None:
        """Training moves on to another model, for ``more`` steps (0: not known): a ``stage``
        record says so, and the new model is sampled as from a first step."""
        self.flush()
        self.records.write("stage", step=self.steps)
        self.schedule = SampleSchedule(more or None, origin=self.steps)

    @property
    def sampling(self) -> bool:
        """Whether the step about to run is one the schedule samples."""
        return self.steps in self.schedule

    @property
    def exhausted(self) -> bool:
        """Whether the limit is reached: no further step may run."""
        return self.limit is not None and self.steps >= self.limit

    def start(self) -> None:
        """A training step is about to run: raise :class:`StepLimitReached` if none is left."""
        if self.exhausted:
            self.flush()
            raise StepLimitReached(self.steps)

    def done(self, loss: float | None, accuracy: float | None = None) -> None:
        """Count a finished step, with its loss and accuracy when known."""
        if loss is None and self._streaming:
            self.flush()
            self._streaming = False
        if self._streaming:
            self._loss.append(float(loss))
            self._accuracy.append(None if accuracy is None else float(accuracy))
        self.steps += 1
        if flush_due(self.steps - 1, len(self._loss), self._flushed_at):
            self.flush()

    def flush(self) -> None:
        self._flushed_at = time.monotonic()
        if not self._loss:
            return
        record: dict[str, Any] = {"start": self._start, m.LOSS: self._loss}
        if any(a is not None for a in self._accuracy):
            record[m.ACCURACY] = [np.nan if a is None else a for a in self._accuracy]
        self.records.write("train", **record)
        self._start += len(self._loss)
        self._loss, self._accuracy = [], []


class SampleWriter:
    """Writes ``sample`` records, and the first non-finite value as an event.

    Layer entries map metric names to values (tensors or numbers); an entry under
    :data:`SIGNATURE` becomes ``symmetric_fraction``.
    """

    def __init__(self, records: Records) -> None:
        self.records = records
        self.variable_layers: dict[str, str] = {}
        self._nonfinite_noted = False

    def write(
        self,
        step: int,
        loss: float | None,
        layers: Mapping[str, Mapping[str, Any]],
        variables: Mapping[str, Mapping[str, Any]],
        **extra: Any,
    ) -> None:
        """One sample; ``extra`` adds sample-level numbers (``graph_ops``, ``batch_classes``)."""
        layer_records = {}
        for name, entry in layers.items():
            values = {key: np.asarray(value) for key, value in entry.items()}
            signature = values.pop(SIGNATURE, None)
            record = {key: float(value) for key, value in values.items()}
            if signature is not None:
                record[m.SYMMETRIC_FRACTION] = duplicate_fraction(signature)
            layer_records[name] = record
        variable_records = {
            name: {key: float(np.asarray(value)) for key, value in entry.items()}
            for name, entry in variables.items()
        }
        fields = {
            m.STEP: step,
            m.SAMPLE_LAYERS: layer_records,
            m.SAMPLE_VARIABLES: variable_records,
            m.MEMORY_RSS: resident_memory_bytes(),
            **{key: _plain(value) for key, value in extra.items() if value is not None},
        }
        if loss is not None:
            fields[m.LOSS] = float(loss)
        self.records.write("sample", **fields)
        self._note_nonfinite(step, layer_records, variable_records)

    def _note_nonfinite(self, step: int, layers: dict, variables: dict) -> None:
        if self._nonfinite_noted:
            return
        where = None
        for name, entry in variables.items():
            if entry.get(m.NONFINITE_VALUE):
                where = ("weights", self.variable_layers.get(name), name)
                break
            if entry.get(m.NONFINITE_GRAD):
                where = ("gradients", self.variable_layers.get(name), name)
                break
        if where is None:
            where = next(
                (("activations", name, None) for name, e in layers.items() if e.get(m.NONFINITE_ACTIVATION)),
                None,
            )
        if where is None:
            return
        self._nonfinite_noted = True
        kind, layer, variable = where
        self.records.write("event", kind=m.NON_FINITE, where=kind, step=step, layer=layer, variable=variable)


def _plain(value: Any) -> Any:
    """A number as a Python number (tensors and numpy scalars included)."""
    if isinstance(value, (int, float, str, bool)):
        return value
    array = np.asarray(value)
    return array.item() if array.ndim == 0 else array.tolist()
