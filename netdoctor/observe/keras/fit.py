"""Keras ``fit``: a callback that records what netdoctor needs, the hook that adds it to every
``fit`` a script makes, and the :class:`Recorder` for a user's own process.

Callbacks never see a step's gradients, so on sampled steps the callback computes them on a
fixed probe batch of the training data, with ``GradientTape`` and ``model.compute_loss``, along
with the activations of that batch; kernel statistics are taken before the step and the size of
the update after it. The loss (and accuracy) of every step is recovered from Keras's running
means; the labels of each sampled batch are read inside the model's own train step.

Under a ``tf.distribute`` strategy the running means are read from their synchronized variables
(summed over the replicas), each replica's step gathers the labels of the whole batch, and the
probe runs in every replica, as Keras runs its own steps: the numbers are the single-device ones.
"""

from __future__ import annotations

import inspect
import math
import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from netdoctor import data as datasets
from netdoctor import judge
from netdoctor import metrics as m
from netdoctor.api import to_json
from netdoctor.findings import Finding, Report, Severity
from netdoctor.observe.core import references
from netdoctor.observe.core.pairing import Pairing
from netdoctor.observe.core.records import Records, SampleWriter, StepLimitReached, StepLog
from netdoctor.observe.core.seam import Patches, PatchingObserver
from netdoctor.observe.core.stream import MemoryWriter
from netdoctor.observe.keras.model_info import (
    describe_layers,
    describe_variables,
    layer_dicts,
    model_summary,
    output_activation,
    trained_kernels,
    variable_layers,
    wiring,
)
from netdoctor.observe.keras.probe import Probe, is_array, probe_batch, regularization_loss
from netdoctor.observe.keras.setup import LOSS_KINDS, loss_config, optimizer_facts
from netdoctor.observe.tf.labels import BatchLabels
from netdoctor.observe.tf.stats import KernelWatch
from netdoctor.recording import Recording

#: Keras's own loops besides fit, which the custom-loop observer must not mistake for the program's.
KERAS_OWN_LOOPS = ("predict", "test_on_batch", "predict_on_batch")
#: Keys under which Keras logs a compiled accuracy metric.
ACCURACY_KEYS = ("accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy", "binary_accuracy")
#: The key of the loss in Keras's logs, and the prefix of held-out numbers.
KERAS_LOSS_KEY, VALIDATION_PREFIX = "loss", "val_"
#: What a fit observer measures without a probe batch, and what the probe adds.
WITHOUT_PROBE = m.WEIGHTS | {m.LOSS, m.ACCURACY, m.BATCH_CLASSES, m.REGULARIZATION_LOSS}
WITH_PROBE = WITHOUT_PROBE | m.GRADIENTS | m.ACTIVATIONS
#: The rule of constant weights, and the rules of NaN or Inf in the values and in the data: the
#: errors that leave a run nothing to learn, certain before it ends (see :func:`leaves_nothing`).
#: Other defects (a double softmax, graph growth) still train; the outcome needs the whole run.
CONSTANT_WEIGHTS = "ND101"
FATAL = (CONSTANT_WEIGHTS, "ND303", "ND603")


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
        validation: tuple[Any, Any] | None = None,
        batch_size: int | None = None,
        probe_size: int = 256,
        seed: int = 0,
        new_model: bool = False,
        pairing: Pairing | None = None,
        weighted: bool = False,
    ) -> None:
        super().__init__()
        self.weighted = weighted  # fit was given class_weight or sample_weight
        self.pairing = pairing
        self.new_model = new_model  # an earlier fit of the run trained another model
        self.records = records
        self.samples = samples
        self.steps = steps
        self.x, self.y = x, y
        self.validation = validation
        self.batch_size = batch_size
        self.labels: BatchLabels | None = None
        self.probe_size = probe_size
        self.seed = seed
        self._patches = Patches()
        self._probe: Probe | None = None
        self._kernels: KernelWatch | None = None
        self._before: Any = None
        self._tracker: Any = None
        self._seen = (0.0, 0.0)  # the loss tracker's (total, count) after the last step
        self._means: dict[str, float] = {}  # the running means after the last step

    # ---- Keras hooks ----------------------------------------------------------------------------
    def on_train_begin(self, logs=None) -> None:
        model = self.model
        if self.pairing is not None and is_array(self.x) and is_array(self.y):
            self.pairing.check(self.x, self.y)
        probe = probe_batch(self.x, self.y, self.probe_size, self.seed)
        if probe is not None and not model.weights:  # a model built at its first batch
            model(probe[0])
        planned = self.params.get("epochs", 1) * (self.params.get("steps") or 0)
        if self.steps is None:
            self.steps = StepLog(self.records, horizon=planned or None)
        elif self.new_model and self.steps.steps:
            self.steps.new_stage(planned)
            note = f"the program trained another model for {self.steps.steps:,} steps first; netdoctor judges the model of its last fit"
            self.records.write("meta", **{m.NOTES: [note]})
        else:
            self.steps.plan(planned)
        self._kernels = KernelWatch(trained_kernels(model), self.seed)
        self.labels = _watch_labels(model, self._patches)
        self._probe = ReplicaProbe(model, self._patches, *probe) if probe is not None else None
        self._tracker = next((metric for metric in model.metrics if metric.name == KERAS_LOSS_KEY), None)
        self.samples.variable_layers.update(variable_layers(model))
        self.records.observed(WITH_PROBE if self._probe is not None else WITHOUT_PROBE)
        self.records.write("meta", **self._facts(planned))

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._seen, self._means = (0.0, 0.0), {}

    def on_train_batch_begin(self, batch, logs=None) -> None:
        self.steps.start()
        sampling = self.steps.sampling
        self.labels.start(sampling)
        self._before = self._kernels.before() if sampling else None

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
            extra = {m.BATCH_CLASSES: self.labels.read()[0], m.REGULARIZATION_LOSS: regularization_loss(self.model)}
            self.samples.write(step, loss, layers, variables, **extra)
            self._before = None
        self.steps.done(loss, accuracy)
        if self.steps.soft and self.steps.exhausted:
            self.model.stop_training = True  # fit ends here; the program goes on

    def on_epoch_end(self, epoch, logs=None) -> None:
        logs = logs or {}
        held_out = VALIDATION_PREFIX + KERAS_LOSS_KEY
        if held_out in logs:
            accuracy = next(
                (logs[VALIDATION_PREFIX + k] for k in ACCURACY_KEYS if VALIDATION_PREFIX + k in logs), None
            )
            examples = len(self.validation[0]) if self.validation is not None and is_array(self.validation[0]) else None
            self.records.write(
                "eval", step=self.steps.steps - 1, **{m.LOSS: logs[held_out], m.ACCURACY: accuracy, m.EVALUATED: examples}
            )

    def on_train_end(self, logs=None) -> None:
        self.steps.flush()
        self._record_references()
        missing = self._probe.missing if self._probe is not None else set()
        self.records.write("meta", **{m.VARIABLES: describe_variables(self.model, missing)})
        self.release()

    def _record_references(self) -> None:
        """Trivial and linear references on the arrays given to ``fit``."""
        if not (is_array(self.x) and is_array(self.y)) or self.model is None:
            return
        name, _ = loss_config(self.model.loss) if getattr(self.model, "loss", None) is not None else (None, None)
        task = LOSS_KINDS.get(name, ("regression", False))[0] if name else None
        x_test, y_test = self.validation or (None, None)
        if not (is_array(x_test) and is_array(y_test)):
            x_test = y_test = None
        references.record(
            self.records, np.asarray(self.x), np.asarray(self.y),
            None if x_test is None else np.asarray(x_test), None if y_test is None else np.asarray(y_test),
            task=task, loss=name, seed=self.seed,
        )  # fmt: skip

    def release(self) -> None:
        """Undo what the observer changed on the model (idempotent)."""
        if self.labels is not None:
            self.labels.start(False)
        self._patches.undo()

    # ---- numbers ----------------------------------------------------------------------------------
    def _step_numbers(self, logs: dict[str, Any]) -> tuple[float | None, float | None]:
        """This step's own loss and accuracy, recovered from the running means Keras logs."""
        key = next((k for k in ACCURACY_KEYS if k in logs), None)
        mean_accuracy = None if key is None else float(logs[key])
        if self._tracker is None:  # a custom train_step: only the running means are known
            loss = logs.get(KERAS_LOSS_KEY)
            return (None if loss is None else float(loss)), mean_accuracy
        total, count = _number(self._tracker.total), _number(self._tracker.count)
        (seen_total, seen_count), self._seen = self._seen, (total, count)
        added = count - seen_count
        if added <= 0:
            return None, None
        accuracy = None
        if key is not None:
            accuracy = (mean_accuracy * count - self._means.get(key, 0.0) * seen_count) / added
            self._means[key] = mean_accuracy
        return (total - seen_total) / added, accuracy

    def _facts(self, planned: int) -> dict[str, Any]:
        model = self.model
        layers = describe_layers(model)
        facts: dict[str, Any] = {
            m.LOOP: "fit",
            m.MODEL: model_summary(model, layers),
            m.LAYERS: layer_dicts(layers),
            m.WIRING: wiring(model),
            m.OUTPUT_ACTIVATION: output_activation(model),
        }
        if planned:
            facts[m.STEPS_PLANNED] = planned
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None:
            facts.update(optimizer_facts(optimizer))
        task = None
        if isinstance(model.loss, (str, keras.losses.Loss)) or callable(model.loss):
            name, from_logits = loss_config(model.loss)
            task = LOSS_KINDS.get(name, ("regression", False))[0]
            if task == "regression" and is_array(self.y) and np.ndim(self.y) == 2 and np.shape(self.y)[1] > 1:
                if datasets.class_fractions(np.asarray(self.y)):
                    task = "multiclass"  # one-hot labels, trained with a regression loss
            units = next((layer.units for layer in reversed(layers) if layer.units), None)
            facts.update({m.LOSS_NAME: name, m.FROM_LOGITS: from_logits, m.TASK: task})
            facts[m.NUM_CLASSES] = units if task == "multiclass" else 2 if task == "binary" else None
        if is_array(self.y):
            y = np.asarray(self.y)
            fractions = datasets.class_fractions(y)
            if fractions and (task != "regression" or y.ndim == 2):  # one-hot rows are classes
                facts[m.CLASS_FRACTIONS] = fractions
            if task == "regression":
                facts[m.TARGET_STATS] = datasets.describe(y)
        if self.batch_size is not None:
            facts[m.BATCH_SIZE] = self.batch_size
        if self.weighted:
            facts[m.WEIGHTED_LOSS] = True
        facts.update(distribution(model.distribute_strategy))
        if is_array(self.x):
            x = np.asarray(self.x)
            facts.update(
                {
                    m.TRAIN_EXAMPLES: len(x),
                    m.INPUT_SHAPE: list(x.shape[1:]),
                    m.INPUT_STATS: datasets.describe(x[:10_000]),
                }
            )
            if m.DATA not in self.records.meta_fields:
                facts[m.DATA] = f"arrays passed to fit(): x {x.shape} {x.dtype}"
        return facts


def _validation(arguments: dict[str, Any]) -> tuple[Any, Any] | None:
    """The held-out (x, y) of a ``fit``: its ``validation_data``, or the last ``validation_split``
    of the arrays, as Keras takes it."""
    given = arguments.get("validation_data")
    if isinstance(given, (tuple, list)) and len(given) >= 2:
        return given[0], given[1]
    split, x, y = arguments.get("validation_split") or 0.0, arguments.get("x"), arguments.get("y")
    if split and is_array(x) and is_array(y):
        cut = int(len(x) * (1 - split))
        return np.asarray(x)[cut:], np.asarray(y)[cut:]
    return None


def _batch_size(arguments: dict[str, Any]) -> int | None:
    """The batch size of a ``fit``: its argument, Keras's default 32 for arrays, None otherwise."""
    if arguments.get("batch_size"):
        return int(arguments["batch_size"])
    return 32 if is_array(arguments.get("x")) else None


def _number(variable: Any) -> float:
    """A scalar variable's value; a synchronized one (a metric under a strategy) summed over the replicas."""
    return float(np.asarray(variable))


def _whole_batch(y: Any) -> Any:
    """The labels of the step's whole batch: under a strategy each replica trains on its own share.
    They travel as floats (exact for class numbers), which every strategy's collectives gather."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return y
    return context.all_gather(tf.cast(y, tf.float32), axis=0)


def _replica_local(next_creator: Callable[..., Any], **kwargs: Any) -> Any:
    """Create a variable that each replica sets on its own and that is read from the first, so a
    replica's step may set it (every replica sets the same value) under any strategy."""
    kwargs.update(
        synchronization=tf.VariableSynchronization.ON_READ, aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA
    )
    return next_creator(**kwargs)


def _watch_labels(model: keras.Model, patches: Patches) -> BatchLabels:
    """Read the labels of every batch inside the model's own ``train_step``: wrap it, and make
    this ``fit``'s train function from the wrapper (the program's own comes back on undo)."""
    with tf.variable_creator_scope(_replica_local):
        labels = BatchLabels()
    train_step, train_function = model.train_step, model.train_function

    def observed_train_step(data):
        _, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is not None and not isinstance(y, (dict, list, tuple)):
            labels.record(_whole_batch(y))
        return train_step(data)

    patches.shadow(model, "train_step", observed_train_step)
    model.make_train_function(force=True)
    patches.callback(lambda: setattr(model, "train_function", train_function))
    return labels


class ReplicaProbe(Probe):
    """The :class:`Probe` run in every replica of the model's distribution strategy (where Keras
    lets gradients of its variables be taken), each on the whole probe batch; the first replica's
    numbers are kept. Without a strategy it is the plain probe."""

    def __init__(self, model: keras.Model, patches: Patches, x: Any, y: Any = None) -> None:
        super().__init__(model, patches, x, y)
        self.strategy = model.distribute_strategy
        self._measure = tf.function(self._in_replicas)

    def _in_replicas(self, *batch):
        strategy = self.strategy
        measured = strategy.run(self._measured, args=batch)
        layers, variables = tf.nest.map_structure(lambda value: strategy.experimental_local_results(value)[0], measured)
        # Keras divides a loss by the replicas in sync, whose gradients it sums; the probe's is whole.
        for entry in [*layers.values(), *variables.values()]:
            if m.GRAD_NORM in entry:
                entry[m.GRAD_NORM] = entry[m.GRAD_NORM] * strategy.num_replicas_in_sync
        return layers, variables


def cluster(strategy: tf.distribute.Strategy) -> dict[str, list[str]]:
    """The tasks of a multi-worker strategy's cluster, by type (empty on one machine)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    return resolver.cluster_spec().as_dict() if resolver is not None else {}


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Whether this process reports for the cluster: its chief, else worker 0 (as TensorFlow
    chooses), or the only process."""
    tasks = cluster(strategy)
    if not tasks:
        return True
    task = strategy.cluster_resolver
    return task.task_type == "chief" or (task.task_type == "worker" and task.task_id == 0 and "chief" not in tasks)


def distribution(strategy: tf.distribute.Strategy) -> dict[str, Any]:
    """The run facts of a strategy that trains on more than one replica (none for one device)."""
    tasks = cluster(strategy)
    replicas, workers = strategy.num_replicas_in_sync, len(tasks.get("chief", [])) + len(tasks.get("worker", []))
    if replicas == 1 and workers <= 1:
        return {}
    kind = type(strategy)
    name = next((name for name in dir(tf.distribute) if getattr(tf.distribute, name) is kind), kind.__name__)
    facts = {m.STRATEGY: name, m.REPLICAS: replicas, m.WORKERS: max(workers, 1)}
    where = ""
    if tasks:
        facts[m.WORKER] = f"{strategy.cluster_resolver.task_type} {strategy.cluster_resolver.task_id}"
        chief = " (the chief)" if is_chief(strategy) else ""
        where = f" over {workers} workers; this is the recording of {facts[m.WORKER]}{chief}"
    note = (
        f"trained with {facts[m.STRATEGY]} on {replicas} replicas in sync{where}: losses and accuracies "
        "are those of the whole batch, the probe batch's numbers those of the first replica"
    )
    return {**facts, m.NOTES: [note]}


def leaves_nothing(recording: Recording, finding: Finding) -> bool:
    """Whether an error of the :data:`FATAL` rules already leaves the run nothing to learn: NaN and
    Inf do; constant weights do once an update has left a layer's kernel constant (a constant
    kernel that gets differing gradients breaks its symmetry, and learns)."""
    if finding.code != CONSTANT_WEIGHTS:
        return True
    return len(recording.samples) > 1 and any(
        recording.layer_series(layer, m.KERNEL_MIN)[-1] == recording.layer_series(layer, m.KERNEL_MAX)[-1]
        for layer in finding.all_layers
    )


class FitHook(PatchingObserver):
    """Adds a :class:`FitObserver` to every ``fit`` the script makes."""

    provides = WITH_PROBE

    def __init__(
        self,
        records: Records,
        steps: StepLog,
        samples: SampleWriter,
        seed: int,
        around_fit: Callable[[], AbstractContextManager],
        pairing: Pairing | None = None,
    ) -> None:
        self.records = records
        self.pairing = pairing
        self.samples = samples
        self.steps = steps
        self.seed = seed
        self.around_fit = around_fit
        self.interrupted = False  # the program left a fit early (sys.exit inside a callback)
        self.fit_x: Any = None  # the training inputs of the last fit
        self.fit_model: Any = None  # the model of the last fit

    def patch(self, patches: Patches) -> None:
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
                validation=_validation(bound.arguments),
                batch_size=_batch_size(bound.arguments),
                seed=hook.seed,
                weighted=any(bound.arguments.get(name) is not None for name in ("class_weight", "sample_weight")),
                new_model=hook.fit_model is not None and hook.fit_model is not model,
                pairing=hook.pairing,
            )
            bound.arguments["callbacks"] = [*(given or []), observer]
            hook.fit_x, hook.fit_model = bound.arguments.get("x"), model
            try:
                with hook.around_fit():
                    return fit(*bound.args, **bound.kwargs)
            except StepLimitReached:  # Keras skips on_train_end
                observer.on_train_end()
                raise
            except SystemExit:
                hook.interrupted = True
                observer.on_train_end()
                raise
            finally:
                observer.release()

        patches.setattr(keras.Model, "fit", observed_fit)
        for name in KERAS_OWN_LOOPS:
            patches.setattr(keras.Model, name, self._paused(getattr(keras.Model, name)))
        patches.setattr(keras.Model, "evaluate", self._evaluated(keras.Model.evaluate))
        patches.setattr(keras.Model, "train_on_batch", self._counted(keras.Model.train_on_batch))

    def _paused(self, method: Callable[..., Any]) -> Callable[..., Any]:
        """``method`` (Keras's own evaluation), with the loop observer looking away."""
        hook = self

        def paused(model, *args, **kwargs):
            with hook.around_fit():
                return method(model, *args, **kwargs)

        return paused

    def _evaluated(self, evaluate: Callable[..., Any]) -> Callable[..., Any]:
        """``evaluate``, its result recorded as a held-out evaluation when it is not on the data
        the model was fit on."""
        hook = self
        signature = inspect.signature(evaluate)

        def evaluated(model, *args, **kwargs):
            with hook.around_fit():
                result = evaluate(model, *args, **kwargs)
            x = signature.bind(model, *args, **kwargs).arguments.get("x")
            if hook.steps.steps and x is not None and x is not hook.fit_x:
                numbers = {k: float(v) for k, v in model.get_metrics_result().items() if np.ndim(v) == 0}
                accuracy = next((numbers[k] for k in ACCURACY_KEYS if k in numbers), None)
                if KERAS_LOSS_KEY in numbers:
                    examples = len(x) if is_array(x) else None
                    hook.records.write(
                        "eval", step=hook.steps.steps - 1,
                        **{m.LOSS: numbers[KERAS_LOSS_KEY], m.ACCURACY: accuracy, m.EVALUATED: examples},
                    )  # fmt: skip
            return result

        return evaluated

    def _counted(self, train_on_batch: Callable[..., Any]) -> Callable[..., Any]:
        """``train_on_batch``, each call counted as a training step with its loss."""
        hook = self

        def counted(model, *args, **kwargs):
            hook.steps.start()
            with hook.around_fit():
                result = train_on_batch(model, *args, **kwargs)
            first = result[0] if isinstance(result, (list, tuple)) else result
            hook.steps.done(float(first) if isinstance(first, (int, float, np.floating)) else None)
            return result

        return counted


class Recorder(FitObserver):
    """A Keras callback that records a ``fit`` for netdoctor to judge, in this process.

    Give it the training data (or part of it) so it can measure gradients and activations on a
    fixed probe batch; without data it records the loss, accuracy, weights and updates only::

        recorder = Recorder(x_train, y_train)
        model.fit(x_train, y_train, callbacks=[recorder])
        print(recorder.report().verdict)

    With ``stop_on_fatal``, like ``keras.callbacks.TerminateOnNaN``, it stops training at the
    first sampled step (or non-finite loss) where a finding certain on its own leaves the run
    nothing to learn (NaN or Inf, weights that stay constant: :data:`FATAL`); the report says so. With ``report_to``, the JSON
    report is written to that file when ``fit`` ends; in a multi-worker run every worker
    records, and only the chief writes it.
    """

    def __init__(
        self,
        x: Any = None,
        y: Any = None,
        *,
        probe_size: int = 256,
        seed: int = 0,
        stop_on_fatal: bool = False,
        report_to: str | os.PathLike | None = None,
    ) -> None:
        self.recording = Recording()
        records = Records(MemoryWriter(self.recording))
        super().__init__(records, SampleWriter(records), x=x, y=y, probe_size=probe_size, seed=seed)
        self.stop_on_fatal = stop_on_fatal
        self.report_to = None if report_to is None else Path(report_to)
        #: The findings for which ``stop_on_fatal`` stopped training (empty while it has not).
        self.fatal: list[Finding] = []
        self._started = time.perf_counter()

    @property
    def is_chief(self) -> bool:
        """Whether this process reports for its cluster (always, on one machine)."""
        return self.model is None or is_chief(self.model.distribute_strategy)

    def report(self, **judge_options: Any) -> Report:
        """The report ``netdoctor check`` gives for this recording; ``judge_options`` are those
        of :func:`netdoctor.diagnose` (``select``, ``ignore``, ``options``, ``settings``)."""
        return judge.diagnose(self.recording, **judge_options)

    def on_train_begin(self, logs=None) -> None:
        if not self.recording.records:
            self._started = time.perf_counter()
            self.records.write(
                "meta", **{m.TARGET: f"model `{self.model.name}`", m.MODE: "recorder", m.SEED: self.seed}
            )
            self.records.write("meta", **{m.TENSORFLOW: tf.__version__, m.KERAS: keras.__version__})
        super().on_train_begin(logs)

    def on_train_batch_end(self, batch, logs=None) -> None:
        sampled = self._before is not None
        super().on_train_batch_end(batch, logs)
        loss = (logs or {}).get(KERAS_LOSS_KEY)
        if self.stop_on_fatal and not self.fatal and (sampled or (loss is not None and not math.isfinite(loss))):
            self._stop_if_fatal()

    def _stop_if_fatal(self) -> None:
        """Stop training when the recording so far holds a finding of the :data:`FATAL` rules."""
        self.steps.flush()
        found = judge.diagnose(self.recording, select=FATAL).findings
        self.fatal = [f for f in found if f.severity is Severity.ERROR and leaves_nothing(self.recording, f)]
        if not self.fatal:
            return
        self.model.stop_training = True
        named = ", ".join(f"{f.code} {f.name}" for f in self.fatal)
        note = f"the Recorder stopped training at step {self.steps.steps - 1:,} (stop_on_fatal): {named} left it nothing to learn"
        self.records.write("meta", **{m.STOPPED_ON: [f.code for f in self.fatal], m.NOTES: [note]})

    def on_train_end(self, logs=None) -> None:
        super().on_train_end(logs)
        self.records.write("end", steps=self.steps.steps, duration_s=time.perf_counter() - self._started)
        if self.report_to is not None and self.is_chief:
            self.report_to.write_text(to_json(self.report()), encoding="utf-8")
