"""Keras ``fit``: a callback that records what netdoctor needs, and the hook that adds it to
every ``fit`` a script makes.

Callbacks never see a step's gradients, so on sampled steps the callback computes them on a
fixed probe batch of the training data, with ``GradientTape`` and ``model.compute_loss``, along
with the activations of that batch; kernel statistics are taken before the step and the size of
the update after it. The loss (and accuracy) of every step is recovered from Keras's running
means.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from netdoctor import data as datasets
from netdoctor.observe import stats
from netdoctor.observe.model_info import (
    activation_name,
    describe_layers,
    describe_variables,
    kernel_of,
    leaf_layers,
    model_summary,
    output_activation,
    wiring,
)
from netdoctor.observe.samples import KernelWatch, Records, SampleWriter, StepLimitReached, StepLog
from netdoctor.observe.setup import LOSS_KINDS, loss_config, optimizer_facts
from netdoctor.observe.stream import MemoryWriter
from netdoctor.observe.train import ActivationCapture
from netdoctor.recording import Recording

#: Keys under which Keras logs a compiled accuracy metric.
ACCURACY_KEYS = ("accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy", "binary_accuracy")


class FitObserver(keras.callbacks.Callback):
    """Streams a ``fit`` into ``records``: per-step loss and accuracy, samples, evaluations."""

    def __init__(
        self,
        records: Records,
        samples: SampleWriter,
        *,
        steps: StepLog | None = None,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        probe_size: int = 256,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.records = records
        self.samples = samples
        self.steps = steps
        self.x, self.y = x, y
        self.batch_size = batch_size
        self.probe_size = probe_size
        self.seed = seed
        self._probe: _Probe | None = None
        self._kernels: KernelWatch | None = None
        self._before: Any = None
        self._tracker: Any = None
        self._seen = (0.0, 0.0)  # the loss tracker's (total, count) after the last step
        self._means: dict[str, float] = {}  # the running means after the last step

    # ---- Keras hooks ----------------------------------------------------------------------------
    def on_train_begin(self, logs=None) -> None:
        model = self.model
        if self.steps is None:
            planned = self.params.get("epochs", 1) * (self.params.get("steps") or 0)
            self.steps = StepLog(self.records, horizon=planned or 1000)
        kernels = {
            layer.name: kernel_of(layer)
            for layer in leaf_layers(model)
            if kernel_of(layer) is not None and kernel_of(layer).trainable
        }
        self._kernels = KernelWatch(kernels, self.seed)
        probe = _probe_batch(self.x, self.y, self.probe_size, self.seed)
        self._probe = _Probe(model, kernels, *probe) if probe is not None else None
        self._tracker = next((m for m in model.metrics if m.name == "loss"), None)
        self.samples.variable_layers.update(
            {v.path: layer.name for layer in leaf_layers(model) for v in layer.trainable_weights}
        )
        self.records.write("meta", **self._facts())

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._seen, self._means = (0.0, 0.0), {}

    def on_train_batch_begin(self, batch, logs=None) -> None:
        self.steps.start()
        self._before = self._kernels.before() if self.steps.sampling else None

    def on_train_batch_end(self, batch, logs=None) -> None:
        logs = logs or {}
        step = self.steps.steps
        loss, accuracy = self._step_numbers(logs)
        if self._before is not None:
            measured, snapshots = self._before
            updates = self._kernels.after(snapshots)
            layers = {name: {**measured[name], **updates[name]} for name in measured}
            variables = {}
            if self._probe is not None:
                probe_layers, variables = self._probe.measure()
                for name, entry in probe_layers.items():
                    layers.setdefault(name, {}).update(entry)
            self.samples.write(step, loss, layers, variables)
            self._before = None
        self.steps.done(loss, accuracy)

    def on_epoch_end(self, epoch, logs=None) -> None:
        logs = logs or {}
        if "val_loss" in logs:
            accuracy = next((logs[f"val_{k}"] for k in ACCURACY_KEYS if f"val_{k}" in logs), None)
            self.records.write("eval", step=self.steps.steps - 1, loss=logs["val_loss"], accuracy=accuracy)

    def on_train_end(self, logs=None) -> None:
        self.steps.flush()
        missing = self._probe.missing if self._probe is not None else set()
        self.records.write("meta", variables=describe_variables(self.model, missing))

    # ---- numbers ----------------------------------------------------------------------------------
    def _step_numbers(self, logs: dict[str, Any]) -> tuple[float | None, float | None]:
        """This step's own loss and accuracy, recovered from the running means Keras logs."""
        key = next((k for k in ACCURACY_KEYS if k in logs), None)
        mean_accuracy = None if key is None else float(logs[key])
        if self._tracker is None:  # a custom train_step: only the running means are known
            loss = logs.get("loss")
            return (None if loss is None else float(loss)), mean_accuracy
        total, count = float(self._tracker.total), float(self._tracker.count)
        (seen_total, seen_count), self._seen = self._seen, (total, count)
        added = count - seen_count
        if added <= 0:
            return None, None
        accuracy = None
        if key is not None:
            accuracy = (mean_accuracy * count - self._means.get(key, 0.0) * seen_count) / added
            self._means[key] = mean_accuracy
        return (total - seen_total) / added, accuracy

    def _facts(self) -> dict[str, Any]:
        model = self.model
        layers = describe_layers(model)
        facts: dict[str, Any] = {
            "model": model_summary(model, layers),
            "layers": [asdict(layer) for layer in layers],
            "wiring": wiring(model),
            "output_activation": output_activation(model),
        }
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None:
            facts.update(optimizer_facts(optimizer))
        if isinstance(model.loss, (str, keras.losses.Loss)) or callable(model.loss):
            name, from_logits = loss_config(model.loss)
            task = LOSS_KINDS.get(name, ("regression", False))[0]
            units = next((layer.units for layer in reversed(layers) if layer.units), None)
            facts.update(loss=name, from_logits=from_logits, task=task)
            facts["num_classes"] = units if task == "multiclass" else 2 if task == "binary" else None
            if task != "regression" and _is_array(self.y):
                facts["class_fractions"] = datasets.class_fractions(np.asarray(self.y))
        if self.batch_size is not None:
            facts["batch_size"] = self.batch_size
        if _is_array(self.x):
            x = np.asarray(self.x)
            facts.update(
                train_examples=len(x),
                input_shape=list(x.shape[1:]),
                input_stats=datasets.describe(x[:10_000]),
            )
            if "data" not in self.records.meta_fields:
                facts["data"] = f"arrays passed to fit(): x {x.shape} {x.dtype}"
        return facts


class _Probe:
    """Gradients and activations on a fixed batch, in one compiled function."""

    def __init__(self, model: keras.Model, kernels: dict[str, Any], x: Any, y: Any) -> None:
        self.model = model
        self.x, self.y = x, y
        self.kernels = kernels
        self.variables = list(model.trainable_variables)
        self.missing: set[str] = set()
        layers = leaf_layers(model)
        self.activations = {layer.name: activation_name(layer) for layer in layers}
        watched = [
            layer
            for layer in layers
            if self.activations[layer.name] in stats.WATCHED_ACTIVATIONS
        ]
        self.capture = ActivationCapture(watched)
        self._measure = tf.function(self._measured)

    def measure(self) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        return self._measure(self.x, self.y)

    def _measured(self, x, y):
        with tf.GradientTape() as tape:
            self.capture.outputs = {}
            self.capture.active = True
            y_pred = self.model(x, training=False)
            self.capture.active = False
            loss = self.model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
        gradients = tape.gradient(loss, self.variables)
        self.missing = {v.path for g, v in zip(gradients, self.variables) if g is None}
        variables = stats.gradient_stats(gradients, self.variables)
        layers = {
            name: {"grad_norm": variables.get(kernel.path, {}).get("grad_norm", tf.constant(0.0))}
            for name, kernel in self.kernels.items()
        }
        for name, output in self.capture.outputs.items():
            layers.setdefault(name, {}).update(stats.activation_stats(output, self.activations[name]))
        return layers, variables


def _is_array(value: Any) -> bool:
    return isinstance(value, (np.ndarray, tf.Tensor))


def _probe_batch(x: Any, y: Any, size: int, seed: int) -> tuple[Any, Any] | None:
    """A fixed batch of the training data: a random sample of arrays, or a dataset's first batch."""
    if isinstance(x, tf.data.Dataset):
        batch = next(iter(x.take(1)), None)
        return (batch[0], batch[1]) if isinstance(batch, tuple) and len(batch) > 1 else None
    if isinstance(x, keras.utils.PyDataset):
        batch = x[0]
        return (batch[0], batch[1]) if isinstance(batch, tuple) and len(batch) > 1 else None
    leaves = tf.nest.flatten(x) + tf.nest.flatten(y)
    if y is None or not leaves or not all(_is_array(leaf) for leaf in leaves):
        return None
    chosen = np.sort(np.random.default_rng(seed).permutation(len(leaves[0]))[:size])
    pick = lambda a: tf.constant(np.asarray(a)[chosen])  # noqa: E731
    return tf.nest.map_structure(pick, x), tf.nest.map_structure(pick, y)


class FitHook:
    """Adds a :class:`FitObserver` to every ``fit`` the script makes."""

    def __init__(
        self,
        records: Records,
        steps: StepLog,
        samples: SampleWriter,
        seed: int,
        around_fit: Callable[[], AbstractContextManager[None]],
    ) -> None:
        self.records = records
        self.samples = samples
        self.steps = steps
        self.seed = seed
        self.around_fit = around_fit

    def install(self) -> None:
        fit = keras.Model.fit
        signature = inspect.signature(fit)
        hook = self

        def observed_fit(model, *args, **kwargs):
            bound = signature.bind(model, *args, **kwargs)
            given = bound.arguments.get("callbacks")
            if isinstance(given, keras.callbacks.CallbackList):
                return fit(model, *args, **kwargs)
            observer = FitObserver(
                hook.records,
                hook.samples,
                steps=hook.steps,
                x=bound.arguments.get("x"),
                y=bound.arguments.get("y"),
                batch_size=bound.arguments.get("batch_size") or 32,
                seed=hook.seed,
            )
            bound.arguments["callbacks"] = [*(given or []), observer]
            with hook.around_fit():
                try:
                    return fit(*bound.args, **bound.kwargs)
                except StepLimitReached:  # Keras skips on_train_end
                    observer.on_train_end()
                    raise

        keras.Model.fit = observed_fit


class Recorder(FitObserver):
    """A Keras callback that records a ``fit`` for netdoctor to judge, in this process.

    Give it the training data (or part of it) so it can measure gradients and activations on a
    fixed probe batch; without data it records the loss, accuracy, weights and updates only::

        recorder = Recorder(x_train, y_train)
        model.fit(x_train, y_train, callbacks=[recorder])
        report = netdoctor.diagnose(recorder.recording)
    """

    def __init__(self, x: Any = None, y: Any = None, *, probe_size: int = 256, seed: int = 0) -> None:
        self.recording = Recording()
        records = Records(MemoryWriter(self.recording))
        super().__init__(records, SampleWriter(records), x=x, y=y, probe_size=probe_size, seed=seed)
        self._started = time.perf_counter()

    def on_train_begin(self, logs=None) -> None:
        if not self.recording.records:
            self._started = time.perf_counter()
            self.records.write("meta", target=f"model `{self.model.name}`", mode="recorder", seed=self.seed)
            self.records.write("meta", tensorflow=tf.__version__, keras=keras.__version__)
        super().on_train_begin(logs)

    def on_train_end(self, logs=None) -> None:
        super().on_train_end(logs)
        self.records.write("end", steps=self.steps.steps, duration_s=time.perf_counter() - self._started)
