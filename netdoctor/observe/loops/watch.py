"""Custom training loops, eager or inside the program's ``tf.function``s.

An *iteration* of a loop starts where the program asks a ``GradientTape`` for the gradient of
a loss with respect to trainable variables, and takes in the updates that follow: a Keras
optimizer's ``apply``/``apply_gradients``, or a hand-written ``assign_sub``/``assign_add``/
``assign`` on those variables. An iteration with an update is a training step; one without is a
gradient that was computed and never applied. Inside a ``tf.function`` the same hooks see the
trace, and every later call of the traced function counts the same way.

What an iteration records: the loss (the tape's target), the accuracy and labels where the
loss is a Keras or ``tf.nn`` cross-entropy, and on sampled steps the kernel statistics, the
update, the gradients (read inside the trace, see :mod:`.stash`) and the activations of a Keras
model on a probe batch of its own inputs. Every call of the program's ``tf.function``s is
checked for retracing, and every variable created after the first step is counted.
"""

from __future__ import annotations

import threading
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from tensorflow.python.eager import record

from netdoctor import data as datasets
from netdoctor import metrics as m
from netdoctor.observe.core.batches import BatchRepeats
from netdoctor.observe.core.pairing import Pairing
from netdoctor.observe.core.records import Records, SampleWriter, StepLog
from netdoctor.observe.core.seam import Patches, PatchingObserver
from netdoctor.observe.core.sources import UserCode
from netdoctor.observe.keras import model_info
from netdoctor.observe.keras.probe import Probe, regularization_loss
from netdoctor.observe.keras.setup import LOSS_KINDS, loss_config, optimizer_facts
from netdoctor.observe.loops.functions import FunctionInfo, describe_variables_of, user_function
from netdoctor.observe.loops.stash import Stash
from netdoctor.observe.tf import stats

#: Examples of a Keras model's own inputs kept as the probe batch for its activations.
PROBE_SIZE = 256
#: How an update was made, besides the assignment methods by name.
BY_OPTIMIZER = "an optimizer"
#: Stash keys of netdoctor's per-step values and prefixes of its per-sample ones.
_LOSS, _ACCURACY, _BATCH = m.LOSS, m.ACCURACY, "batch"
_GRADIENT, _COSINE, _CLASSES, _HISTOGRAM, _INPUT = "gradient/", "cosine/", "classes", "histogram", "input"
_FINGERPRINT = "fingerprint"  # a sampled step's training batch, for the repeated-batch check
_PAIR = "pair/"  # a sampled step's batch, for the pairing check
_PAIR_INPUT, _PAIR_LABELS = f"{_PAIR}input", f"{_PAIR}labels"
#: tf.nn cross-entropies: name -> (Keras loss name, labels argument, logits argument).
TF_NN_LOSSES = {
    "softmax_cross_entropy_with_logits": ("categorical_crossentropy", "labels", "logits"),
    "sparse_softmax_cross_entropy_with_logits": ("sparse_categorical_crossentropy", "labels", "logits"),
    "sigmoid_cross_entropy_with_logits": ("binary_crossentropy", "labels", "logits"),
}
#: The keyword of Keras losses that says the predictions are logits.
KERAS_FROM_LOGITS = "from_logits"
#: keras.losses functions that people call directly on (y_true, y_pred).
KERAS_LOSS_FUNCTIONS = (
    "sparse_categorical_crossentropy",
    "categorical_crossentropy",
    "binary_crossentropy",
    "mean_squared_error",
    "mean_absolute_error",
)
PROVIDES = m.WEIGHTS | m.GRADIENTS | {m.UPDATE_COSINE, m.LOSS}


@dataclass
class Iteration:
    """One gradient computation and the updates that followed it."""

    step: int
    sampled: bool
    loss: Any = None
    accuracy: Any = None
    before: Any = None  # (kernel statistics, snapshots) on sampled steps
    gradients: dict[str, Any] = field(default_factory=dict)  # layer -> gradient (eager, sampled)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)  # per-variable gradient stats
    updated: set[int] = field(default_factory=set)  # ids of the variables updated
    in_call: bool = False  # opened by a call of a traced function


class LoopWatch(PatchingObserver):
    """Hooks ``GradientTape.gradient``, Keras optimizers, variable assignments, loss functions,
    Keras model calls and the program's ``tf.function``s."""

    provides = PROVIDES

    def __init__(
        self,
        records: Records,
        steps: StepLog,
        samples: SampleWriter,
        user: UserCode,
        namespace: dict[str, Any],
        seed: int,
        count_variables: bool = True,
        pairing: Pairing | None = None,
    ) -> None:
        self.pairing = pairing
        self.records = records
        self.steps = steps
        self.samples = samples
        self.user = user
        self.namespace = namespace
        self.seed = seed
        self.count_variables = count_variables
        self.stash: Stash | None = None
        self._patches: Patches | None = None
        self._local = threading.local()
        self._paused = 0
        self._functions: list[FunctionInfo] = []
        self._calling: list[FunctionInfo] = []  # the user's functions being called (and traced)
        self._iteration: Iteration | None = None
        self._sources: dict[int, Any] = {}  # id -> trained variable (Keras or tf)
        self._aliases: dict[int, int] = {}  # id of a Keras variable's tf.Variable -> id of the Keras one
        self._trained: tuple[int, ...] = ()
        self._names: dict[int, str] = {}
        self._kernel_of: dict[int, str] = {}  # id of a kernel variable -> layer name
        self._kernels: stats.KernelWatch | None = None
        self._pending: dict[str, tf.Tensor] | None = None  # snapshots of a sampled step that updated nothing
        self._models: list[keras.Model] = []
        self._described: list[dict[str, Any]] = []
        self._outputs: dict[int, keras.Model] = {}  # id of a model call's output -> the model
        self._probes: dict[int, Probe] = {}
        self._probe_x: dict[int, list[np.ndarray]] = {}  # id of a Keras model -> inputs kept
        self._described_loss = False
        self._described_output = False
        self._described_optimizer: set[int] = set()
        self._created: list[Any] = []  # origins of the variables created since the last step
        self._variable_origins: dict[int, Any] = {}  # id of a variable -> where the program created it
        self._creation_order: dict[int, int] = {}  # id of a variable -> its place in creation order
        self.gradient_calls = 0
        self.iterations = 0
        self.applied = 0
        self.training_passes = 0  # eager calls of a Keras model with training=True
        self.updates: Counter = Counter()
        self.gradient_variables: set[int] = set()
        self.updated_variables: set[int] = set()
        self.missing_gradients: set[int] = set()  # asked about, never given a gradient (None)
        self.label_counts = np.zeros(0)  # labels of the sampled batches, by class
        self.batches = BatchRepeats()
        self.batch_size: int | None = None

    # ---- installing ------------------------------------------------------------------------------
    @contextmanager
    def paused(self) -> Iterator[None]:
        """Ignore everything inside (Keras ``fit``, which is observed on its own, and netdoctor's
        own measurements)."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1

    def patch(self, patches: Patches) -> None:
        from keras.src.backend.common.variables import Variable as KerasVariable
        from keras.src.optimizers.base_optimizer import BaseOptimizer
        from tensorflow.python.eager.polymorphic_function.polymorphic_function import Function
        from tensorflow.python.ops import resource_variable_ops

        self._patches = patches
        with tf.init_scope():
            self.stash = Stash()
        watch = self
        call, apply, gradient = Function.__call__, BaseOptimizer.apply, tf.GradientTape.gradient
        model_call, loss_call = keras.Model.__call__, keras.losses.Loss.__call__

        def watched_call(function, *args, **kwargs):
            info = user_function(function, watch.user, watch._functions)
            if info is None or watch._paused or watch._calling or not tf.executing_eagerly():
                return call(function, *args, **kwargs)
            return watch._call(call, function, info, args, kwargs)

        def watched_apply(optimizer, grads, trainable_variables=None):
            if watch._paused or watch._busy():
                return apply(optimizer, grads, trainable_variables)
            variables = list(trainable_variables) if trainable_variables is not None else None
            with watch._inside():
                result = apply(optimizer, grads, variables)
            watch._updated(optimizer, variables or list(getattr(optimizer, "_trainable_variables", [])), BY_OPTIMIZER)
            return result

        def watched_gradient(tape, target, sources, *args, **kwargs):
            result = gradient(tape, target, sources, *args, **kwargs)
            if not watch._paused and not watch._busy() and _is_loss(target):
                watch._gradient(target, tf.nest.flatten(sources), tf.nest.flatten(result))
            return result

        def watched_model_call(model, *args, **kwargs):
            if watch._paused or watch._busy() or not args or _symbolic(args[0]):
                return model_call(model, *args, **kwargs)
            if kwargs.get("training") is True and tf.executing_eagerly():
                watch.training_passes += 1
            with watch._inside():
                watch._next_iteration_event()
                training = kwargs.get("training") is True or record.could_possibly_record()
                watch._capture_input(model, args[0], training)
                output = model_call(model, *args, **kwargs)
                watch._outputs[id(output)] = model
                if not training and tf.executing_eagerly():
                    watch._evaluated(args[0], output)
                return output

        def watched_loss_call(loss, y_true, y_pred, sample_weight=None):
            if watch._paused or watch._busy():
                return loss_call(loss, y_true, y_pred, sample_weight)
            with watch._inside():
                result = loss_call(loss, y_true, y_pred, sample_weight)
                name, from_logits = loss_config(loss)
                watch._loss(name, from_logits, y_true, y_pred)
            return result

        patches.setattr(Function, "__call__", watched_call)
        patches.setattr(BaseOptimizer, "apply", watched_apply)
        patches.setattr(tf.GradientTape, "gradient", watched_gradient)
        patches.setattr(keras.Model, "__call__", watched_model_call)
        patches.setattr(keras.losses.Loss, "__call__", watched_loss_call)
        variable_classes = (
            KerasVariable,
            resource_variable_ops.BaseResourceVariable,
            resource_variable_ops.ResourceVariable,  # TensorFlow wraps its assign methods again
        )
        for owner in variable_classes:
            for method in ("assign", "assign_add", "assign_sub"):
                if method in vars(owner):
                    patches.setattr(owner, method, self._watched_assign(vars(owner)[method], method))
        for module in _namespaces(keras.losses, getattr(tf.keras, "losses", None)):
            for name in KERAS_LOSS_FUNCTIONS:
                if hasattr(module, name):
                    patches.setattr(module, name, self._watched_loss_function(getattr(module, name), name))
        for name, (loss, labels, logits) in TF_NN_LOSSES.items():
            patches.setattr(tf.nn, name, self._watched_tf_nn(getattr(tf.nn, name), loss, labels, logits))
        if self.count_variables:
            patches.enter(tf.variable_creator_scope(self._count_variable))

    def finish(self) -> None:
        self._close()
        called = [info.as_dict() for info in self._functions if info.calls]
        facts: dict[str, Any] = {}
        if called:
            facts[m.TF_FUNCTIONS] = called
        if self.gradient_calls or self.updates:
            facts[m.GRADIENT_CALLS] = self.gradient_calls
            facts[m.UPDATES] = {
                "iterations": self.iterations,
                "applied": self.applied,
                "by_optimizer": self.updates[BY_OPTIMIZER],
                "by_hand": sum(n for kind, n in self.updates.items() if kind != BY_OPTIMIZER),
                "assign_add": self.updates["assign_add"],
                "assign_sub": self.updates["assign_sub"],
                "assign": self.updates["assign"],
                "variables_with_gradients": len(self.gradient_variables),
                "variables_updated": len(self.updated_variables & self.gradient_variables),
                "training_passes": self.training_passes,
            }
            facts[m.LOOP] = "function" if any(info.training for info in self._functions) else "eager"
        if self.batch_size is not None:
            facts[m.BATCH_SIZE] = self.batch_size
        batches = self.batches.facts()
        if batches is not None:
            facts[m.SAMPLED_BATCHES] = batches
        if self.label_counts.sum() > 0 and m.CLASS_FRACTIONS not in self.records.meta_fields:
            facts[m.CLASS_FRACTIONS] = (self.label_counts / self.label_counts.sum()).tolist()
        missing = {self._names.get(key) for key in self.missing_gradients - self.gradient_variables}
        if self._described and missing:
            facts[m.VARIABLES] = [{**d, "gradient": "missing" if d["name"] in missing else d["gradient"]} for d in self._described]
        if self._models and self._probe_x.get(id(self._models[0])):
            inputs = np.concatenate(self._probe_x[id(self._models[0])])
            facts[m.INPUT_STATS] = datasets.describe(inputs)
            facts[m.INPUT_SHAPE] = list(inputs.shape[1:])
        if facts:
            self.records.write("meta", **facts)

    @property
    def trained(self) -> bool:
        """Whether the loop computed gradients or updated anything."""
        return bool(self.gradient_calls or self.updates)

    # ---- reentrancy -------------------------------------------------------------------------------
    def _busy(self) -> bool:
        """Inside one of netdoctor's hooks, or tracing a function that is not the program's own
        (Keras's evaluate, predict, ...): the calls seen there are not the loop's."""
        if getattr(self._local, "depth", 0) > 0:
            return True
        return not self._calling and not tf.executing_eagerly()

    @contextmanager
    def _inside(self) -> Iterator[None]:
        """Inside one of netdoctor's hooks: the framework calls it makes are not the program's."""
        self._local.depth = getattr(self._local, "depth", 0) + 1
        try:
            yield
        finally:
            self._local.depth -= 1

    # ---- calls of the program's tf.functions ------------------------------------------------------
    def _call(self, call, function, info: FunctionInfo, args: tuple, kwargs: dict) -> Any:
        traces = function.experimental_get_tracing_count()
        trains = info.calls == 0 or info.computes_gradients or info.updates
        if trains:
            self._close()
            self._begin(in_call=True, check_limit=info.calls > 0)
        self._calling.append(info)
        try:
            result = call(function, *args, **kwargs)
        finally:
            self._calling.pop()
        info.note_call(args, kwargs, function.experimental_get_tracing_count() > traces, self.steps.steps)
        iteration = self._iteration
        if iteration is not None and iteration.in_call:
            if not (info.computes_gradients or info.updates):
                self._iteration = None  # not a training function after all
            else:
                iteration.loss = self.stash.get(_LOSS) if info.computes_gradients else _first_scalar(result)
                iteration.accuracy = self.stash.get(_ACCURACY)
                if info.computes_gradients:
                    self.gradient_calls += 1
                if info.updates:
                    iteration.updated.update(info.updated)
                    self.updated_variables |= info.updated
                    self.updates.update(info.updates)
                iteration.in_call = False
                if info.updates:
                    self._close()
        return result

    # ---- iterations ------------------------------------------------------------------------------
    def _begin(self, in_call: bool = False, check_limit: bool = True) -> Iteration:
        """Open the next iteration (raising StepLimitReached past --steps)."""
        if check_limit:
            self.steps.start()
        sampled = self.steps.sampling
        self.stash.start(self.steps.steps, sampled)
        iteration = Iteration(step=self.steps.steps, sampled=sampled, in_call=in_call)
        if sampled and self._kernels is not None:
            with self.paused():
                iteration.before = self._kernels.before()
        self._iteration = iteration
        return iteration

    def _next_iteration_event(self) -> None:
        """A forward pass starts: an iteration whose updates are done is over."""
        iteration = self._iteration
        if iteration is not None and iteration.updated and not iteration.in_call:
            self._close()
        if self._iteration is None and not self._calling and tf.executing_eagerly():
            self.stash.start(self.steps.steps, self.steps.sampling)

    def _close(self) -> None:
        """Finish the open iteration: count it, and write its sample when it was sampled."""
        iteration, self._iteration = self._iteration, None
        if iteration is None or iteration.in_call:
            return
        self._outputs.clear()
        self.iterations += 1
        if self.batch_size is None:  # the first batch's size: the last one of an epoch may be short
            batch = self.stash.get(_BATCH)
            if batch is not None and np.isfinite(_value(batch)):
                self.batch_size = int(_value(batch))
        if iteration.updated:
            self.applied += 1
        if iteration.sampled:
            self._write_sample(iteration)
        elif iteration.updated and self._pending is not None:
            self._write_update(iteration.step)
        self._report_created(iteration.step)
        self.steps.done(_value(iteration.loss), _value(iteration.accuracy))

    def _write_sample(self, iteration: Iteration) -> None:
        layers: dict[str, dict[str, Any]] = {}
        variables = dict(iteration.variables)
        with self.paused():
            if iteration.before is not None and self._kernels is not None:
                measured, snapshots = iteration.before
                self._pending = None
                if iteration.updated:
                    updates = self._kernels.after(snapshots, iteration.gradients or None)
                else:  # a step that only accumulates: its update is the next step that applies one
                    updates, self._pending = {}, snapshots
                layers = {name: {**measured[name], **updates.get(name, {})} for name in measured}
            for key, value in self.stash.sampled(_GRADIENT).items():
                name, _, metric = key[len(_GRADIENT) :].rpartition("/")
                variables.setdefault(name, {})[metric] = value
            for key, value in self.stash.sampled(_COSINE).items():
                layers.setdefault(key[len(_COSINE) :], {})[m.UPDATE_COSINE] = value
            for probe in self._activation_probes():
                for name, entry in probe.measure()[0].items():
                    layers.setdefault(name, {}).update(entry)
        for kernel_id, layer in self._kernel_of.items():
            gradient = variables.get(self._names.get(kernel_id, ""), {}).get(m.GRAD_NORM)
            if gradient is not None:
                layers.setdefault(layer, {})[m.GRAD_NORM] = gradient
        if self.pairing is not None and self.pairing.wanted:
            pair = self.stash.sampled(_PAIR)
            self.pairing.check(pair.get(_PAIR_INPUT), pair.get(_PAIR_LABELS))
        self.batches.see(self.stash.sampled(_FINGERPRINT).get(_FINGERPRINT))
        histogram = self.stash.sampled(_HISTOGRAM).get(_HISTOGRAM)
        if histogram is not None and np.all(np.isfinite(histogram)):
            if self.label_counts.size != np.size(histogram):
                self.label_counts = np.zeros(np.size(histogram))
            self.label_counts += np.asarray(histogram, dtype=float)
        classes = self.stash.sampled(_CLASSES).get(_CLASSES)
        extra = {m.BATCH_CLASSES: None if classes is None or not np.isfinite(classes) else int(classes)}
        if self._models:
            with self.paused():
                penalties = [regularization_loss(model) for model in self._models]
            extra[m.REGULARIZATION_LOSS] = sum(float(p) for p in penalties if p is not None)
        self.samples.write(iteration.step, _value(iteration.loss), layers, variables, **extra)

    def _write_update(self, step: int) -> None:
        """The update of the first step that applied one after a sampled step that did not."""
        with self.paused():
            updates = self._kernels.after(self._pending)
        self._pending = None
        self.samples.write(step, None, updates, {})

    # ---- gradients ---------------------------------------------------------------------------------
    def _gradient(self, target: tf.Tensor, sources: list[Any], gradients: list[Any]) -> None:
        trainable = [(s, g) for s, g in zip(sources, gradients) if _is_trainable(s)]
        if not trainable and sources:
            return  # gradients of inputs or tensors, not of the weights
        with tf.init_scope(), self.paused():
            self._describe([s for s, _ in trainable])
        self.gradient_variables.update(self._key(s) for s, g in trainable if g is not None)
        self.missing_gradients.update(self._key(s) for s, g in trainable if g is None)
        loss = tf.reduce_mean(tf.cast(target, tf.float32))
        if self._calling:  # tracing one of the program's functions
            info = self._calling[0]
            info.computes_gradients = True
            info.gradients.update({self._key(s): g for s, g in trainable if g is not None})
            self.stash.put({_LOSS: loss})
            self.stash.put_sampled(lambda: self._gradient_stats(trainable))
            return
        iteration = self._iteration
        if iteration is not None and not iteration.updated and not iteration.in_call:
            self._close()  # the previous gradient was never applied
        elif iteration is not None and not iteration.in_call:
            self._close()
        iteration = self._iteration if self._iteration is not None and self._iteration.in_call else self._begin()
        self.gradient_calls += 1
        iteration.loss = loss
        iteration.accuracy = self.stash.get(_ACCURACY)
        if iteration.sampled:
            measured = self._gradient_stats(trainable)
            for key, value in measured.items():
                name, _, metric = key[len(_GRADIENT) :].rpartition("/")
                iteration.variables.setdefault(name, {})[metric] = value
            iteration.gradients = {
                self._kernel_of[self._key(s)]: g
                for s, g in trainable
                if g is not None and self._key(s) in self._kernel_of
            }

    def _gradient_stats(self, trainable: list[tuple[Any, Any]]) -> dict[str, tf.Tensor]:
        measured = {}
        for source, gradient in trainable:
            if gradient is None:
                continue
            name = self._names.get(self._key(source), _name(source))
            for metric, value in stats.gradient_stats(gradient, source).items():
                measured[f"{_GRADIENT}{name}/{metric}"] = tf.cast(value, tf.float32)
        return measured

    # ---- updates -----------------------------------------------------------------------------------
    def _watched_assign(self, original, method: str):
        watch = self

        def assign(variable, value, *args, **kwargs):
            if watch._paused or watch._busy():
                return original(variable, value, *args, **kwargs)
            with watch._inside():
                result = original(variable, value, *args, **kwargs)
            key = watch._key(variable)
            if key in watch._sources:
                watch._hand_update(watch._sources[key], value, method)
            return result

        return assign

    def _hand_update(self, variable: Any, value: Any, method: str) -> None:
        """A hand-written update of a trained variable (``w.assign_sub(lr * g)``)."""
        key = self._key(variable)
        if self._calling:
            info = self._calling[0]
            info.updates[method] += 1
            info.updated.add(key)
            gradient = info.gradients.get(key)
            layer = self._kernel_of.get(key)
            if gradient is not None and layer is not None:
                change = _change(variable, value, method)
                self.stash.put_sampled(lambda: {f"{_COSINE}{layer}": stats.cosine(change, gradient)})
            return
        self.updates[method] += 1
        self._mark_updated([variable])

    def _updated(self, optimizer: Any, variables: list[Any], via: str) -> None:
        """An optimizer updated ``variables``."""
        if id(optimizer) not in self._described_optimizer:
            self._described_optimizer.add(id(optimizer))
            with tf.init_scope():
                self.records.write("meta", **optimizer_facts(optimizer))
        if self._calling:
            info = self._calling[0]
            info.updates[via] += 1
            info.updated.update(self._key(v) for v in variables)
            return
        self.updates[via] += 1
        self._mark_updated(variables)

    def _mark_updated(self, variables: list[Any]) -> None:
        keys = {self._key(v) for v in variables}
        self.updated_variables |= keys
        if self._iteration is None:  # an update with no gradient seen: a step of its own
            self._begin()
        self._iteration.updated |= keys

    # ---- losses and labels ----------------------------------------------------------------------------
    def _watched_loss_function(self, function, name: str):
        watch = self

        def loss(y_true, y_pred, *args, **kwargs):
            if watch._paused or watch._busy():
                return function(y_true, y_pred, *args, **kwargs)
            with watch._inside():
                result = function(y_true, y_pred, *args, **kwargs)
                watch._loss(name, bool(kwargs.get(KERAS_FROM_LOGITS, False)), y_true, y_pred)
            return result

        return loss

    def _watched_tf_nn(self, function, loss: str, labels: str, logits: str):
        watch = self

        def cross_entropy(*args, **kwargs):
            if watch._paused or watch._busy():
                return function(*args, **kwargs)
            with watch._inside():
                result = function(*args, **kwargs)
                if labels in kwargs and logits in kwargs:
                    watch._loss(loss, True, kwargs[labels], kwargs[logits])
            return result

        return cross_entropy

    def _loss(self, name: str, from_logits: bool | None, y_true: Any, y_pred: Any) -> None:
        """A loss function was applied to (labels, predictions): read the task and the labels."""
        self._next_iteration_event()
        task = LOSS_KINDS.get(name, ("regression", False))[0]
        y_true, y_pred = tf.convert_to_tensor(y_true), tf.convert_to_tensor(y_pred)
        producer = self._outputs.get(id(y_pred))
        y_true, y_pred = tf.convert_to_tensor(y_true), tf.convert_to_tensor(y_pred)
        if producer is not None and not self._described_output:
            self._described_output = True
            self.records.write("meta", **{m.OUTPUT_ACTIVATION: model_info.output_activation(producer)})
        if not self._described_loss:
            self._described_loss = True
            classes = y_pred.shape[-1] if task == "multiclass" and y_pred.shape.rank else None
            facts = {
                m.LOSS_NAME: name,
                m.FROM_LOGITS: from_logits,
                m.TASK: task,
                m.NUM_CLASSES: classes if task == "multiclass" else 2 if task == "binary" else None,
            }
            self.records.write("meta", **facts)
            provided = {m.ACCURACY, m.BATCH_CLASSES} if task != "regression" else set()
            self.records.observed(frozenset(provided))
        if y_true.shape.rank:
            self.stash.put({_BATCH: tf.cast(tf.shape(y_true)[0], tf.float32)})
        if self.pairing is not None and self.pairing.wanted and task != "regression":
            self.stash.put_sampled(lambda: {_PAIR_LABELS: tf.cast(y_true, tf.float32)})
        if task == "regression":
            return
        self.stash.put({_ACCURACY: _accuracy(task, from_logits, y_true, y_pred)})
        classes = 2 if task == "binary" else y_pred.shape[-1] if y_pred.shape.rank else None

        def labels() -> dict[str, tf.Tensor]:
            measured = {_CLASSES: tf.cast(_distinct(task, y_true), tf.float32)}
            if classes:
                counts = tf.math.bincount(tf.cast(_labels(task, y_true), tf.int32), minlength=classes, maxlength=classes)
                measured[_HISTOGRAM] = tf.cast(counts, tf.float32)
            return measured

        self.stash.put_sampled(labels)

    # ---- Keras models: the probe batch for activations ---------------------------------------------------
    def _capture_input(self, model: keras.Model, x: Any, training: bool) -> None:
        """Keep the first inputs each Keras model is called on, as its probe batch, and a
        sampled step's inputs for the pairing check and, when it trains, their fingerprint."""
        if isinstance(x, (dict, list, tuple)) or not hasattr(x, "shape"):
            return
        if training:
            self.stash.put_sampled(lambda: {_FINGERPRINT: _fingerprint(x)})
        if self.pairing is not None and self.pairing.wanted:
            self.stash.put_sampled(lambda: {_PAIR_INPUT: tf.cast(x, tf.float32)})
        if sum(len(batch) for batch in self._probe_x.get(id(model), [])) >= PROBE_SIZE:
            return
        if tf.executing_eagerly():
            self._keep_probe(id(model), np.asarray(x))
        else:
            self.stash.put_sampled(lambda: {f"{_INPUT}/{id(model)}": tf.cast(x, tf.float32)})

    def _evaluated(self, x: Any, output: Any) -> None:
        """An inference call of a model: held-out accuracy, where ``x`` is the served test set."""
        if self.pairing is None or not hasattr(x, "shape") or not hasattr(output, "shape"):
            return
        labels = self.pairing.held_out_labels(np.asarray(x))
        if labels is not None:
            self.pairing.score(labels, np.asarray(output))

    def _keep_probe(self, model: int, x: np.ndarray) -> None:
        if x.ndim >= 1 and np.issubdtype(x.dtype, np.number) and np.all(np.isfinite(x)):
            kept = self._probe_x.setdefault(model, [])
            kept.append(x[: PROBE_SIZE - sum(len(batch) for batch in kept)].astype(np.float32))

    def _activation_probes(self) -> list[Probe]:
        """A probe of each trained Keras model, on a batch of its own inputs once there is one."""
        for model in self._models:
            if id(model) in self._probes:
                continue
            key = f"{_INPUT}/{id(model)}"
            captured = self.stash.sampled(key).get(key)
            if captured is not None and np.ndim(captured) >= 1:
                self._keep_probe(id(model), np.asarray(captured))
            inputs = self._probe_x.get(id(model))
            if inputs:
                self._probes[id(model)] = Probe(model, self._patches, tf.constant(np.concatenate(inputs)))
                self.records.observed(m.ACTIVATIONS)
        return list(self._probes.values())

    # ---- what is trained ----------------------------------------------------------------------------------
    def _key(self, variable: Any) -> int:
        return self._aliases.get(id(variable), id(variable))

    def _describe(self, variables: list[Any]) -> None:
        """Describe the model and the variables it trains (once per set); watch the kernels."""
        for variable in variables:
            inner = getattr(variable, "_value", None)
            if inner is not None:
                self._aliases[id(inner)] = id(variable)
            self._sources.setdefault(self._key(variable), variable)
        key = tuple(sorted(self._key(v) for v in variables))
        if key == self._trained:
            return
        self._trained = key
        models = self._models_of(variables)
        if models:
            layers = [info for model in models for info in model_info.describe_layers(model)]
            kernels = {name: k for model in models for name, k in model_info.trained_kernels(model).items()}
            described = [d for model in models for d in model_info.describe_variables(model, set())]
            summaries = [model_info.model_summary(model, model_info.describe_layers(model)) for model in models]
            wirings = {model_info.wiring(model) for model in models}
            facts = {m.MODEL: " + ".join(summaries), m.WIRING: "graph" if wirings == {"graph"} else "order"}
            self._names = {id(v): v.path for model in models for v in model.trainable_variables}
            self._models = models
            self.records.observed(frozenset({m.REGULARIZATION_LOSS}))
        else:
            variables = sorted(variables, key=lambda v: self._creation_order.get(id(v), len(self._creation_order)))
            origins = {id(v): self._origin_of(v) for v in variables}
            layers, kernels, described = describe_variables_of(variables, origins)
            facts = {m.MODEL: f"{len(layers)} trained parameter groups"}
            self._names = {id(v): d["name"] for v, d in zip(variables, described)}
        self._kernel_of = {self._key(kernel): name for name, kernel in kernels.items()}
        self._kernels, self._pending = stats.KernelWatch(kernels, self.seed), None
        iteration = self._iteration
        if iteration is not None and iteration.sampled and iteration.before is None:
            iteration.before = self._kernels.before()  # still the initial weights: nothing ran yet
        self._described = described
        self.samples.variable_layers.update({d["name"]: d["layer"] for d in described if d["layer"]})
        self.records.write(
            "meta", **{m.LAYERS: model_info.layer_dicts(layers), m.VARIABLES: described, **facts}
        )
        self.records.observed(self.provides)

    def _models_of(self, variables: list[Any]) -> list[keras.Model]:
        """The Keras models in the script's globals that hold the trained variables between them
        (one model, or a backbone and a head), or none when some variable is no model's."""
        wanted = {self._key(v) for v in variables}
        candidates = []
        for value in list(self.namespace.values()):
            if isinstance(value, keras.Model) and all(value is not c for c in candidates):
                owned = wanted & {id(v) for v in value.trainable_variables}
                if owned:
                    candidates.append(value)
        candidates.sort(key=lambda model: -len(wanted & {id(v) for v in model.trainable_variables}))
        chosen, covered = [], set()
        for model in candidates:
            owned = wanted & {id(v) for v in model.trainable_variables}
            if owned - covered:
                chosen.append(model)
                covered |= owned
        return chosen if covered == wanted else []

    # ---- variables created while training --------------------------------------------------------------------
    def _count_variable(self, next_creator, **kwargs):
        variable = next_creator(**kwargs)
        name = str(kwargs.get("name") or "")
        if not self._paused and not self._busy() and not name.startswith("netdoctor"):
            origin = self.user.origin(traceback.extract_stack())
            self._created.append(origin)
            self._variable_origins[id(variable)] = origin
            self._creation_order[id(variable)] = len(self._creation_order)
        return variable

    def _origin_of(self, variable: Any) -> Any:
        return self._variable_origins.get(id(variable))

    def _report_created(self, step: int) -> None:
        created, self._created = self._created, []
        if not created or step == 0:
            return
        counts = Counter(origin.source for origin in created if origin is not None)
        first = {origin.source: origin for origin in reversed(created) if origin is not None}
        self.records.write(
            "event",
            kind=m.VARIABLES_CREATED,
            step=step,
            count=len(created),
            sources=[{**first[source].as_dict(), "created": n} for source, n in counts.most_common(3)],
        )


def _namespaces(*modules: Any) -> list[Any]:
    return list({id(module): module for module in modules if module is not None}.values())


def _symbolic(x: Any) -> bool:
    """Whether ``x`` holds Keras's symbolic tensors: a model called while another is built from it."""
    return any(isinstance(part, keras.KerasTensor) for part in tf.nest.flatten(x))


def _is_loss(value: Any) -> bool:
    return isinstance(value, tf.Tensor) and value.dtype.is_floating


def _is_trainable(value: Any) -> bool:
    return isinstance(value, (tf.Variable, keras.Variable)) and bool(getattr(value, "trainable", False))


def _name(variable: Any) -> str:
    return getattr(variable, "path", None) or variable.name.split(":")[0]


def _change(variable: Any, value: Any, method: str) -> tf.Tensor:
    """The change an assignment makes to ``variable``."""
    value = tf.cast(tf.convert_to_tensor(value), tf.float32)
    if method == "assign_add":
        return value
    if method == "assign_sub":
        return -value
    return value - tf.cast(tf.convert_to_tensor(variable), tf.float32)


def _accuracy(task: str, from_logits: bool | None, y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
    if task == "binary":
        threshold = 0.0 if from_logits else 0.5
        predicted = tf.reshape(y_pred, [-1]) > threshold
        truth = tf.reshape(tf.cast(y_true, tf.float32), [-1]) > 0.5
        return tf.reduce_mean(tf.cast(tf.equal(predicted, truth), tf.float32))
    predicted = tf.argmax(y_pred, axis=-1)
    return tf.reduce_mean(tf.cast(tf.equal(predicted, _classes(y_true)), tf.float32))


def _classes(y_true: tf.Tensor) -> tf.Tensor:
    if y_true.shape.rank == 2 and y_true.shape[-1] is not None and y_true.shape[-1] > 1:
        return tf.argmax(y_true, axis=-1)
    return tf.cast(tf.reshape(y_true, [-1]), tf.int64)


def _labels(task: str, y_true: tf.Tensor) -> tf.Tensor:
    """Class indices of the labels (0/1 for binary targets)."""
    if task == "binary":
        return tf.cast(tf.reshape(tf.cast(y_true, tf.float32), [-1]) > 0.5, tf.int64)
    return _classes(y_true)


def _distinct(task: str, y_true: tf.Tensor) -> tf.Tensor:
    return tf.size(tf.unique(_labels(task, y_true)).y)


def _fingerprint(x: Any) -> tf.Tensor:
    """The four numbers of :func:`netdoctor.observe.core.batches.fingerprint`, in TensorFlow."""
    x = tf.cast(x, tf.float32)
    first = tf.reduce_sum(x[:1])
    return tf.stack([tf.reduce_sum(x), tf.reduce_sum(tf.square(x)), first, tf.cast(tf.shape(x)[0], tf.float32)])


def _first_scalar(result: Any) -> tf.Tensor | None:
    """The loss a training function returns: its first floating-point scalar."""
    return next(
        (v for v in tf.nest.flatten(result) if isinstance(v, tf.Tensor) and v.shape.rank == 0 and v.dtype.is_floating),
        None,
    )


def _value(tensor: Any) -> float | None:
    if tensor is None:
        return None
    return float(np.asarray(tensor))

