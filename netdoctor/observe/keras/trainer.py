"""Model mode: netdoctor's own compiled train step, and an instrumented twin on sampled steps.

Most steps run the plain compiled step. On the steps the schedule picks, the instrumented step
also computes the per-layer statistics inside the same compiled function (weights before the
update, gradients, the update itself, and activations on a fixed probe batch), so only a few
numbers per layer leave the device.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import tensorflow as tf

from netdoctor import data as datasets
from netdoctor import metrics as m
from netdoctor.observe.core.records import Records, SampleWriter, flush_due
from netdoctor.observe.core.schedule import EvalSchedule, SampleSchedule
from netdoctor.observe.core.seam import Patches, PatchingObserver
from netdoctor.observe.keras.model_info import (
    describe_variables,
    trained_kernels,
    variable_layers,
    watched_layers,
)
from netdoctor.observe.keras.probe import regularization_loss
from netdoctor.observe.keras.setup import Setup
from netdoctor.observe.tf import stats
from netdoctor.observe.tf.capture import ActivationCapture

#: Everything model mode measures.
PROVIDES = m.WEIGHTS | m.GRADIENTS | m.ACTIVATIONS | {
    m.UPDATE_COSINE, m.LOSS, m.ACCURACY, m.BATCH_CLASSES, m.REGULARIZATION_LOSS,
}  # fmt: skip


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


class Trainer(PatchingObserver):
    """Trains a prepared model for a number of steps, streaming what it observes."""

    provides = PROVIDES

    def __init__(
        self,
        setup: Setup,
        records: Records,
        *,
        steps: int,
        batch_size: int,
        seed: int,
        probe_size: int = 256,
        sample_steps=None,
        eval_steps=None,
    ) -> None:
        """``sample_steps`` and ``eval_steps`` (anything with ``in``) default to the sampling and
        evaluation schedules; an empty set turns that instrumentation off."""
        self.setup = setup
        self.model = setup.model
        self.records = records
        self.steps = steps
        self.batch_size = batch_size
        self.seed = seed
        self.optimizer = self.model.optimizer
        self.variables = list(self.model.trainable_variables)
        self.optimizer.build(self.variables)
        self.missing_gradients: set[str] = set()
        self.accuracy = accuracy_function(setup)
        self.kernels = trained_kernels(self.model)
        self.kernel_stats = stats.KernelStatistics(self.kernels, seed)
        self.kernel_layer = {id(kernel): name for name, kernel in self.kernels.items()}
        self.variable_names = {id(v): v.path for v in self.variables}
        self.watched = watched_layers(self.model)
        self.activations = {layer.name: activation for layer, activation in self.watched.items()}
        self.capture: ActivationCapture | None = None
        rng = np.random.default_rng(seed)
        probe = rng.permutation(len(setup.x_train))[: min(probe_size, len(setup.x_train))]
        self.probe_x = tf.constant(setup.x_train[probe])
        self.sample_steps = SampleSchedule(steps) if sample_steps is None else sample_steps
        self.eval_steps = EvalSchedule(steps) if eval_steps is None else eval_steps
        self.samples = SampleWriter(records)
        self.samples.variable_layers = variable_layers(self.model)

        self.plain_step = tf.function(self._plain_step, reduce_retracing=True)
        self.instrumented_step = tf.function(self._instrumented_step, reduce_retracing=True)
        self.evaluate_batch = tf.function(self._evaluate_batch, reduce_retracing=True)

    def patch(self, patches: Patches) -> None:
        self.capture = ActivationCapture(self.watched, patches)
        self.records.observed(self.provides)

    def finish(self) -> None:
        self.records.write("meta", **{m.VARIABLES: describe_variables(self.model, self.missing_gradients)})

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
        layers, snapshots = self.kernel_stats.before()
        y_pred, loss, gradients = self._loss_and_gradients(x, y)
        variables = stats.gradients_stats(gradients, self.variables, self.variable_names)
        self._apply(gradients)
        by_layer = {
            self.kernel_layer[id(v)]: g for g, v in zip(gradients, self.variables) if id(v) in self.kernel_layer
        }
        for name, update in self.kernel_stats.after(snapshots, by_layer).items():
            gradient = by_layer.get(name)
            layers[name].update(update)
            layers[name][m.GRAD_NORM] = (
                tf.constant(0.0) if gradient is None else tf.norm(tf.cast(stats.dense_gradient(gradient), tf.float32))
            )
        outputs = self.capture.run(lambda: self.model(self.probe_x, training=False))
        for name, output in outputs.items():
            layers.setdefault(name, {}).update(stats.activation_stats(output, self.activations[name]))
        return loss, self.accuracy(y, y_pred), layers, variables, regularization_loss(self.model)

    def _evaluate_batch(self, x, y):
        y_pred = self.model(x, training=False)
        loss = self.model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
        return loss, self.accuracy(y, y_pred)

    # ---- the loop -------------------------------------------------------------------------
    def evaluate(self, limit: int | None = None, batch: int = 500) -> tuple[float, float, int] | None:
        """Mean loss and accuracy on the held-out data, and the examples it covered (None when
        there is none)."""
        x, y = self.setup.x_test, self.setup.y_test
        if limit is not None:
            x, y = x[:limit], y[:limit]
        if len(x) == 0:
            return None
        total_loss = total_accuracy = 0.0
        for start in range(0, len(x), batch):
            loss, accuracy = self.evaluate_batch(x[start : start + batch], y[start : start + batch])
            size = len(x[start : start + batch])
            total_loss += float(loss) * size
            total_accuracy += float(accuracy) * size
        return total_loss / len(x), total_accuracy / len(x), len(x)

    def _write_eval(self, step: int, limit: int | None = None) -> None:
        measured = self.evaluate(limit)
        if measured is not None:
            loss, accuracy, examples = measured
            self.records.write("eval", step=step, **{m.LOSS: loss, m.ACCURACY: accuracy, m.EVALUATED: examples})

    def run(self) -> int:
        """Train; return the number of steps run (fewer if the loss became non-finite)."""
        samples, evaluations = self.sample_steps, self.eval_steps
        batches = datasets.batches(len(self.setup.x_train), self.batch_size, self.seed)
        x_all, y_all = self.setup.x_train, self.setup.y_train
        pending: list[tuple[tf.Tensor, tf.Tensor]] = []
        flushed = 0
        flushed_at = time.monotonic()
        stop_after: int | None = None
        step = 0
        started = time.perf_counter()
        for step in range(self.steps):
            index = next(batches)
            x, y = x_all[index], y_all[index]
            sampled = step in samples or step == stop_after
            if sampled:
                loss, accuracy, layers, variables, penalty = self.instrumented_step(x, y)
                pending.append((loss, accuracy))
                extra = {m.BATCH_CLASSES: self._classes_in(y), m.REGULARIZATION_LOSS: penalty}
                self.samples.write(step, loss, layers, variables, **extra)
            else:
                pending.append(self.plain_step(x, y))
            if sampled or flush_due(step, len(pending), flushed_at):
                nonfinite_at = self._flush(flushed, pending)
                flushed += len(pending)
                pending = []
                flushed_at = time.monotonic()
                if step == stop_after:
                    break
                if nonfinite_at is not None and stop_after is None:
                    self.records.write("event", kind=m.NON_FINITE, where=m.LOSS, step=nonfinite_at)
                    stop_after = step + 1
            if step in evaluations:
                self._write_eval(step, limit=None if step == self.steps - 1 else 500)
        if pending:
            self._flush(flushed, pending)
        ran = step + 1
        if ran < self.steps:
            self._write_eval(step)
        self.records.write("timing", train_seconds=time.perf_counter() - started)
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
        self.records.write("train", start=start, **{m.LOSS: loss, m.ACCURACY: accuracy})
        bad = np.flatnonzero(~np.isfinite(loss))
        return start + int(bad[0]) if bad.size else None
