"""What every observer shares: the sampling schedule, the step counter with its ``train``
records, the ``sample`` record format, and kernel statistics taken around a step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import tensorflow as tf

from netdoctor.observe import stats

#: How many steps of training numbers go into one streamed record at most.
FLUSH_EVERY = 50


def sample_schedule(steps: int) -> set[int]:
    """Dense early, where initialization problems show, sparse later: steps 0-4, 8, 16, 32, 64,
    then every 100, and the last step."""
    chosen = set(range(min(steps, 5)))
    chosen.update(s for s in (8, 16, 32, 64) if s < steps)
    chosen.update(range(100, steps, 100))
    if steps:
        chosen.add(steps - 1)
    return chosen


class Records:
    """Where observations go (anything with ``write(type, **fields)``: the child's record stream,
    or a MemoryWriter); remembers the meta fields written, so one observer can leave alone what
    another described."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.meta_fields: set[str] = set()

    def write(self, type: str, **fields: Any) -> None:
        if type == "meta":
            self.meta_fields.update(fields)
        self.writer.write(type, **fields)


class StepLimitReached(BaseException):
    """Internal: the ``--steps`` cap was reached. Raised through the user's script (so no
    ``except Exception`` in it can swallow it) and caught by ``run_script``."""


class StepLog:
    """Counts training steps and streams their loss and accuracy as ``train`` records.

    ``limit`` caps the steps: a step that would go past it raises :class:`StepLimitReached`.
    A step without a known loss ends the loss stream, so ``train`` records never have gaps.
    """

    def __init__(self, records: Records, *, horizon: int, limit: int | None = None) -> None:
        self.records = records
        self.limit = limit
        self.schedule = sample_schedule(horizon)
        self.steps = 0
        self._start = 0
        self._loss: list[float] = []
        self._accuracy: list[float | None] = []
        self._streaming = True

    @property
    def sampling(self) -> bool:
        """Whether the step about to run is one the schedule samples."""
        return self.steps in self.schedule

    def start(self) -> None:
        """A training step is about to run: raise :class:`StepLimitReached` if none is left."""
        if self.limit is not None and self.steps >= self.limit:
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
        if len(self._loss) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if not self._loss:
            return
        record: dict[str, Any] = {"start": self._start, "loss": self._loss}
        if any(a is not None for a in self._accuracy):
            record["accuracy"] = [np.nan if a is None else a for a in self._accuracy]
        self.records.write("train", **record)
        self._start += len(self._loss)
        self._loss, self._accuracy = [], []


class SampleWriter:
    """Writes ``sample`` records as model mode does, and the first non-finite value as an event."""

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
        """One sample; ``extra`` adds run-level numbers (``graph_ops``)."""
        layer_records = {}
        for name, entry in layers.items():
            values = {key: np.asarray(value) for key, value in entry.items()}
            signature = values.pop("signature", None)
            record = {key: float(value) for key, value in values.items()}
            if signature is not None:
                record["symmetric_fraction"] = stats.duplicate_fraction(signature)
            layer_records[name] = record
        variable_records = {
            name: {key: float(np.asarray(value)) for key, value in entry.items()}
            for name, entry in variables.items()
        }
        fields = {
            "step": step,
            "layers": layer_records,
            "variables": variable_records,
            "memory_rss": stats.resident_memory_bytes(),
            **extra,
        }
        if loss is not None:
            fields["loss"] = float(loss)
        self.records.write("sample", **fields)
        self._note_nonfinite(step, layer_records, variable_records)

    def _note_nonfinite(self, step: int, layers: dict, variables: dict) -> None:
        if self._nonfinite_noted:
            return
        where = None
        for name, entry in variables.items():
            if entry.get("nonfinite_value"):
                where = ("weights", self.variable_layers.get(name), name)
                break
            if entry.get("nonfinite_grad"):
                where = ("gradients", self.variable_layers.get(name), name)
                break
        if where is None:
            where = next(
                (("activations", name, None) for name, e in layers.items() if e.get("nonfinite_activation")),
                None,
            )
        if where is None:
            return
        self._nonfinite_noted = True
        kind, layer, variable = where
        self.records.write("event", kind="non_finite", where=kind, step=step, layer=layer, variable=variable)


class KernelWatch:
    """Kernel statistics before a step and the size of its update after, computed in-graph
    (for eager code: Keras ``fit`` and ``tf.function`` loops)."""

    def __init__(self, kernels: Mapping[str, Any], seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.kernels = dict(kernels)
        self.directions = {
            name: tf.constant(
                rng.standard_normal((stats.SIGNATURE_DIRECTIONS, int(np.prod(k.shape[:-1])))),
                dtype=tf.float32,
            )
            for name, k in self.kernels.items()
        }
        self._before = tf.function(self._before_step)
        self._after = tf.function(self._after_step)

    def _before_step(self):
        measured, snapshots = {}, {}
        for name, kernel in self.kernels.items():
            measured[name] = stats.kernel_stats(kernel)
            measured[name]["signature"] = stats.unit_signatures(kernel, self.directions[name])
            snapshots[name] = tf.identity(kernel)
        return measured, snapshots

    def _after_step(self, snapshots):
        return {name: stats.update_stats(snapshots[name], kernel) for name, kernel in self.kernels.items()}

    def before(self) -> tuple[dict[str, dict[str, Any]], dict[str, tf.Tensor]]:
        """Per-kernel statistics now, and snapshots to hand to :meth:`after`."""
        if not self.kernels:
            return {}, {}
        return self._before()

    def after(self, snapshots: dict[str, tf.Tensor]) -> dict[str, dict[str, Any]]:
        """Per-kernel ``update_norm`` and ``update_ratio`` since :meth:`before`."""
        if not self.kernels:
            return {}
        return self._after(snapshots)
