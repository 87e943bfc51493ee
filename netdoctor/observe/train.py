"""Model mode's training loop: a compiled train step, and an instrumented twin on sampled steps.

Most steps run the plain compiled step. On the steps the schedule picks, the instrumented step
also computes per-layer statistics inside the same compiled function (weights before the
update, gradients, the update itself, and activations on a fixed probe batch), so only a few
numbers per layer leave the device.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Iterable

import keras
import numpy as np
import tensorflow as tf

from netdoctor import data as datasets
from netdoctor.observe import stats
from netdoctor.observe.model_info import activation_name, kernel_of, leaf_layers
from netdoctor.observe.samples import FLUSH_EVERY, SampleWriter, sample_schedule
from netdoctor.observe.setup import Setup
from netdoctor.observe.stream import RecordWriter


def eval_schedule(steps: int, evaluations: int = 5) -> set[int]:
    """Evenly spread held-out evaluations, always including the last step."""
    every = max(1, steps // evaluations)
    return {s for s in range(every - 1, steps, every)} | ({steps - 1} if steps else set())


class ActivationCapture:
    """Keeps the outputs of chosen layers while ``active`` (during the probe forward pass)."""

    def __init__(self, layers: Iterable[keras.layers.Layer]) -> None:
        self.active = False
        self.outputs: dict[str, tf.Tensor] = {}
        for layer in layers:
            self._wrap(layer)

    def _wrap(self, layer: keras.layers.Layer) -> None:
        original = layer.call

        @functools.wraps(original)
        def call(*args, **kwargs):
            output = original(*args, **kwargs)
            if self.active:
                self.outputs[layer.name] = output
            return output

        object.__setattr__(layer, "call", call)


def accuracy_function(setup: Setup) -> Callable[[tf.Tensor, tf.Tensor], tf.Tensor]:
    """Accuracy for the task, computed in-graph (NaN for regression)."""
    if setup.task == "multiclass":

        def accuracy(y, y_pred):
            truth = tf.argmax(y, axis=-1) if setup.one_hot else tf.cast(tf.reshape(y, [-1]), tf.int64)
            return tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y_pred, axis=-1), truth), tf.float32))

    elif setup.task == "binary":
        threshold = 0.0 if setup.from_logits else 0.5

        def accuracy(y, y_pred):
            predicted = tf.reshape(y_pred, [-1]) > threshold
            truth = tf.reshape(tf.cast(y, tf.float32), [-1]) > 0.5
            return tf.reduce_mean(tf.cast(tf.equal(predicted, truth), tf.float32))

    else:

        def accuracy(y, y_pred):
            return tf.constant(math.nan)

    return accuracy


class Trainer:
    """Trains a prepared model for a number of steps, streaming what it observes."""

    def __init__(
        self,
        setup: Setup,
        writer: RecordWriter,
        *,
        steps: int,
        batch_size: int,
        seed: int,
        probe_size: int = 256,
        sample_steps: set[int] | None = None,
        eval_steps: set[int] | None = None,
    ) -> None:
        """``sample_steps`` and ``eval_steps`` default to :func:`sample_schedule` and
        :func:`eval_schedule`; an empty set turns that instrumentation off."""
        self.setup = setup
        self.model = setup.model
        self.writer = writer
        self.steps = steps
        self.batch_size = batch_size
        self.seed = seed
        self.optimizer = self.model.optimizer
        self.variables = list(self.model.trainable_variables)
        self.optimizer.build(self.variables)
        self.missing_gradients: set[str] = set()
        self.accuracy = accuracy_function(setup)

        rng = np.random.default_rng(seed)
        layers = leaf_layers(self.model)
        self.kernels = [(layer.name, kernel_of(layer)) for layer in layers if kernel_of(layer) is not None]
        self.kernels = [(name, k) for name, k in self.kernels if k.trainable]
        self.directions = {
            name: tf.constant(
                rng.standard_normal((stats.SIGNATURE_DIRECTIONS, int(np.prod(k.shape[:-1])))),
                dtype=tf.float32,
            )
            for name, k in self.kernels
        }
        self.activations = {layer.name: activation_name(layer) for layer in layers}
        watched = [
            layer
            for layer in layers
            if self.activations[layer.name] in stats.WATCHED_ACTIVATIONS
        ]
        self.capture = ActivationCapture(watched)
        probe = rng.permutation(len(setup.x_train))[: min(probe_size, len(setup.x_train))]
        self.probe_x = tf.constant(setup.x_train[probe])
        self.sample_steps = sample_schedule(steps) if sample_steps is None else sample_steps
        self.eval_steps = eval_schedule(steps) if eval_steps is None else eval_steps
        self.samples = SampleWriter(writer)
        self.samples.variable_layers = {v.path: layer.name for layer in layers for v in layer.trainable_weights}

        self.plain_step = tf.function(self._plain_step, reduce_retracing=True)
        self.instrumented_step = tf.function(self._instrumented_step, reduce_retracing=True)
        self.evaluate_batch = tf.function(self._evaluate_batch, reduce_retracing=True)

    # ---- compiled functions -------------------------------------------------------------
    def _loss_and_gradients(self, x, y):
        with tf.GradientTape() as tape:
            y_pred = self.model(x, training=True)
            loss = self.model.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
        gradients = tape.gradient(loss, self.variables)
        self.missing_gradients = {v.path for g, v in zip(gradients, self.variables) if g is None}
        return y_pred, loss, gradients

    def _apply(self, gradients) -> None:
        pairs = [(g, v) for g, v in zip(gradients, self.variables) if g is not None]
        self.optimizer.apply_gradients(pairs)

    def _plain_step(self, x, y):
        y_pred, loss, gradients = self._loss_and_gradients(x, y)
        self._apply(gradients)
        return loss, self.accuracy(y, y_pred)

    def _instrumented_step(self, x, y):
        layer_stats: dict[str, dict[str, tf.Tensor]] = {}
        before = {}
        for name, kernel in self.kernels:
            before[name] = tf.identity(kernel)
            layer_stats[name] = stats.kernel_stats(kernel)
            layer_stats[name]["signature"] = stats.unit_signatures(kernel, self.directions[name])
        y_pred, loss, gradients = self._loss_and_gradients(x, y)
        variable_stats = stats.gradient_stats(gradients, self.variables)
        self._apply(gradients)
        for name, kernel in self.kernels:
            layer_stats[name].update(stats.update_stats(before[name], kernel))
            layer_stats[name]["grad_norm"] = variable_stats.get(kernel.path, {}).get(
                "grad_norm", tf.constant(0.0)
            )
        self.capture.outputs = {}
        self.capture.active = True
        self.model(self.probe_x, training=False)
        self.capture.active = False
        for name, output in self.capture.outputs.items():
            layer_stats.setdefault(name, {}).update(stats.activation_stats(output, self.activations[name]))
        return loss, self.accuracy(y, y_pred), layer_stats, variable_stats

    def _evaluate_batch(self, x, y):
        y_pred = self.model(x, training=False)
        loss = self.model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
        return loss, self.accuracy(y, y_pred)

    # ---- the loop -------------------------------------------------------------------------
    def evaluate(self, limit: int | None = None, batch: int = 500) -> tuple[float, float]:
        x, y = self.setup.x_test, self.setup.y_test
        if limit is not None:
            x, y = x[:limit], y[:limit]
        total_loss = total_accuracy = 0.0
        for start in range(0, len(x), batch):
            loss, accuracy = self.evaluate_batch(x[start : start + batch], y[start : start + batch])
            size = len(x[start : start + batch])
            total_loss += float(loss) * size
            total_accuracy += float(accuracy) * size
        return total_loss / max(len(x), 1), total_accuracy / max(len(x), 1)

    def run(self) -> int:
        """Train; return the number of steps run (fewer if the loss became non-finite)."""
        samples, evaluations = self.sample_steps, self.eval_steps
        batches = datasets.batches(len(self.setup.x_train), self.batch_size, self.seed)
        x_all, y_all = self.setup.x_train, self.setup.y_train
        pending: list[tuple[tf.Tensor, tf.Tensor]] = []
        flushed = 0
        stop_after: int | None = None
        step = 0
        started = time.perf_counter()
        for step in range(self.steps):
            index = next(batches)
            x, y = x_all[index], y_all[index]
            if step in samples or step == stop_after:
                loss, accuracy, layer_stats, variable_stats = self.instrumented_step(x, y)
                pending.append((loss, accuracy))
                self.samples.write(
                    step, loss, layer_stats, variable_stats, batch_classes=self._classes_in(y)
                )
            else:
                pending.append(self.plain_step(x, y))
            if step in samples or len(pending) >= FLUSH_EVERY or step == stop_after:
                nonfinite_at = self._flush(flushed, pending)
                flushed += len(pending)
                pending = []
                if step == stop_after:
                    break
                if nonfinite_at is not None and stop_after is None:
                    self.writer.write("event", kind="non_finite", where="loss", step=nonfinite_at)
                    stop_after = step + 1
            if step in evaluations:
                loss, accuracy = self.evaluate(limit=None if step == self.steps - 1 else 500)
                self.writer.write("eval", step=step, loss=loss, accuracy=accuracy)
        if pending:
            self._flush(flushed, pending)
        ran = step + 1
        if ran < self.steps:
            loss, accuracy = self.evaluate()
            self.writer.write("eval", step=step, loss=loss, accuracy=accuracy)
        self.writer.write("timing", train_seconds=time.perf_counter() - started)
        return ran

    def _classes_in(self, y: np.ndarray) -> int | None:
        """How many distinct classes the batch holds (None for regression)."""
        if self.setup.task == "regression":
            return None
        labels = y.argmax(axis=-1) if self.setup.one_hot else y.reshape(-1)
        return int(np.unique(labels).size)

    def _flush(self, start: int, pending: list[tuple[tf.Tensor, tf.Tensor]]) -> int | None:
        """Stream the pending per-step numbers; return the first step whose loss is not finite."""
        loss = np.array([float(value) for value, _ in pending])
        accuracy = np.array([float(a) for _, a in pending])
        self.writer.write("train", start=start, loss=loss, accuracy=accuracy)
        bad = np.flatnonzero(~np.isfinite(loss))
        return start + int(bad[0]) if bad.size else None
