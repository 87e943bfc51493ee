"""TF2 training loops: the user's ``tf.function``s, eager optimizer steps, and the variables
created while training runs.

A call of one of the user's ``tf.function``s counts as a training step when its trace applied
a Keras optimizer; so does an optimizer step taken eagerly. Every call is checked for
retracing (``experimental_get_tracing_count``), and every ``tf.Variable`` created after the
first step is counted against the step that created it.
"""

from __future__ import annotations

import inspect
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import keras
import tensorflow as tf

from netdoctor.observe import model_info
from netdoctor.observe.samples import KernelWatch, Records, SampleWriter, StepLog
from netdoctor.observe.setup import optimizer_facts
from netdoctor.observe.sources import UserCode
from netdoctor.recording import LayerInfo

_NOT_USER = object()
#: Python values that make a tf.function trace again whenever they change.
_PYTHON_VALUES = (bool, int, float, str)


@dataclass
class FunctionInfo:
    """One of the user's ``tf.function``s: how often it was called and traced again."""

    name: str
    source: str
    signature: inspect.Signature | None = field(default=None, repr=False)
    training: bool = False
    calls: int = 0
    retraces: int = 0  # calls after the first one that traced the function again
    first_retrace_step: int | None = None
    changed: Counter = field(default_factory=Counter)  # Python arguments that changed on a retrace
    previous: dict[str, Any] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "training": self.training,
            "calls": self.calls,
            "retraces": self.retraces,
            "first_retrace_step": self.first_retrace_step,
            "python_arguments": dict(self.changed.most_common()),
        }

    def python_values(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        """The call's arguments that are plain Python values (each new value means a new trace)."""
        try:
            bound = self.signature.bind(*args, **kwargs) if self.signature else None
        except TypeError:
            return {}
        if bound is None:
            return {}
        return {name: value for name, value in bound.arguments.items() if isinstance(value, _PYTHON_VALUES)}


class FunctionWatch:
    """Patches ``tf.function`` calls, Keras optimizer steps and ``GradientTape.gradient``."""

    def __init__(
        self,
        records: Records,
        steps: StepLog,
        samples: SampleWriter,
        user: UserCode,
        namespace: dict[str, Any],
        seed: int,
    ) -> None:
        self.records = records
        self.steps = steps
        self.samples = samples
        self.user = user
        self.namespace = namespace
        self.seed = seed
        self._functions: list[FunctionInfo] = []
        self._calling: list[FunctionInfo] = []  # the user's functions being called (and traced)
        self._paused = 0
        self._trained: tuple[int, ...] = ()
        self._kernels: KernelWatch | None = None
        self._created: list[Any] = []  # origins of the variables created since the last step
        self._creator_scope: Any = None
        self._eager_loss: tf.Tensor | None = None

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Ignore everything inside (Keras ``fit``, which is observed on its own)."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1

    def install(self, count_variables: bool) -> None:
        from keras.src.optimizers.base_optimizer import BaseOptimizer
        from tensorflow.python.eager.polymorphic_function.polymorphic_function import Function

        call, apply, gradient = Function.__call__, BaseOptimizer.apply, tf.GradientTape.gradient
        watch = self

        def watched_call(function, *args, **kwargs):
            info = watch._info(function)
            if info is None or watch._paused or watch._calling or not tf.executing_eagerly():
                return call(function, *args, **kwargs)
            return watch._call(call, function, info, args, kwargs)

        def watched_apply(optimizer, grads, trainable_variables=None):
            if trainable_variables is not None:
                trainable_variables = list(trainable_variables)
            variables = trainable_variables or list(getattr(optimizer, "_trainable_variables", []))
            if watch._paused:
                return apply(optimizer, grads, trainable_variables)
            if watch._calling:  # tracing one of the user's functions: it trains
                watch._calling[0].training = True
                watch._watch(optimizer, variables)
                return apply(optimizer, grads, trainable_variables)
            if not tf.executing_eagerly():
                return apply(optimizer, grads, trainable_variables)
            watch._watch(optimizer, variables)
            step, before = watch._before_step()
            result = apply(optimizer, grads, trainable_variables)
            watch._step_done(step, watch._eager_loss, before)
            return result

        def watched_gradient(tape, target, sources, *args, **kwargs):
            if not watch._paused and tf.executing_eagerly() and _is_scalar(target):
                watch._eager_loss = target
            return gradient(tape, target, sources, *args, **kwargs)

        Function.__call__ = watched_call
        BaseOptimizer.apply = watched_apply
        tf.GradientTape.gradient = watched_gradient
        if count_variables:
            self._creator_scope = tf.variable_creator_scope(self._count_variable)
            self._creator_scope.__enter__()

    def finish(self) -> None:
        if self._creator_scope is not None:
            self._creator_scope.__exit__(None, None, None)
        called = [info.as_dict() for info in self._functions if info.calls]
        if called:
            self.records.write("meta", tf_functions=called)

    # ---- calls of the user's functions ----------------------------------------------------------
    def _info(self, function: Any) -> FunctionInfo | None:
        info = getattr(function, "_netdoctor_info", None)
        if info is None:
            python = function.python_function
            unwrapped = inspect.unwrap(getattr(python, "__func__", python))
            code = getattr(unwrapped, "__code__", None)
            if code is not None and self.user.owns(code.co_filename):
                info = FunctionInfo(
                    name=getattr(unwrapped, "__qualname__", code.co_name),
                    source=self.user.location(code.co_filename, code.co_firstlineno),
                    signature=_signature(python),
                )
                self._functions.append(info)
            else:
                info = _NOT_USER
            function._netdoctor_info = info
        return None if info is _NOT_USER else info

    def _call(self, call, function, info: FunctionInfo, args: tuple, kwargs: dict) -> Any:
        traces = function.experimental_get_tracing_count()
        step, before = self._before_step() if info.training else (self.steps.steps, None)
        self._calling.append(info)
        try:
            result = call(function, *args, **kwargs)
        finally:
            self._calling.pop()
        info.calls += 1
        values = info.python_values(args, kwargs)
        if info.calls > 1 and function.experimental_get_tracing_count() > traces:
            info.retraces += 1
            if info.first_retrace_step is None:
                info.first_retrace_step = step
            changed = [name for name, value in values.items() if info.previous.get(name, value) != value]
            info.changed.update(changed)
        info.previous = values
        if info.training:
            self._step_done(step, _first_scalar(result), before)
        return result

    # ---- training steps ---------------------------------------------------------------------------
    def _before_step(self) -> tuple[int, Any]:
        self.steps.start()
        sampled = self._kernels is not None and self.steps.sampling
        return self.steps.steps, self._kernels.before() if sampled else None

    def _step_done(self, step: int, loss: Any, before: Any) -> None:
        if before is not None:
            measured, snapshots = before
            updates = self._kernels.after(snapshots)
            layers = {name: {**measured[name], **updates[name]} for name in measured}
            self.samples.write(step, None if loss is None else float(loss), layers, {})
        self._report_created(step)
        self.steps.done(None if loss is None else float(loss))

    def _watch(self, optimizer: Any, variables: list[Any]) -> None:
        """Describe the optimizer and the variables it trains (once per set); watch the kernels."""
        key = tuple(id(v) for v in variables)
        if key == self._trained or not variables:
            return
        self._trained = key
        model = self._model_of(variables)
        if model is not None:
            layers = model_info.describe_layers(model)
            kernels = {
                layer.name: model_info.kernel_of(layer)
                for layer in model_info.leaf_layers(model)
                if model_info.kernel_of(layer) is not None and model_info.kernel_of(layer).trainable
            }
            facts = {
                "model": model_info.model_summary(model, layers),
                "variables": model_info.describe_variables(model, set()),
            }
        else:
            layers, kernels, described = _layers_of(variables)
            facts = {"model": f"{len(kernels)} trained kernels", "variables": described}
        with tf.init_scope():  # called while tracing the user's function: work eagerly
            self._kernels = KernelWatch(kernels, self.seed)
            facts.update(optimizer_facts(optimizer))
        self.samples.variable_layers.update({v["name"]: v["layer"] for v in facts["variables"] if v["layer"]})
        self.records.write("meta", layers=[asdict(layer) for layer in layers], **facts)

    def _model_of(self, variables: list[Any]) -> keras.Model | None:
        """A Keras model in the script's globals that owns all the trained variables."""
        wanted = {id(v) for v in variables}
        for value in list(self.namespace.values()):
            if isinstance(value, keras.Model) and wanted <= {id(v) for v in value.trainable_variables}:
                return value
        return None

    # ---- variables created while training -----------------------------------------------------------
    def _count_variable(self, next_creator, **kwargs):
        variable = next_creator(**kwargs)
        if not self._paused:
            self._created.append(self.user.origin(traceback.extract_stack()))
        return variable

    def _report_created(self, step: int) -> None:
        created, self._created = self._created, []
        if not created or step == 0:
            return
        counts = Counter(origin.source for origin in created if origin is not None)
        first = {origin.source: origin for origin in reversed(created) if origin is not None}
        self.records.write(
            "event",
            kind="variables_created",
            step=step,
            count=len(created),
            sources=[{**first[source].as_dict(), "variables": n} for source, n in counts.most_common(3)],
        )


def _signature(function: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(function)
    except (TypeError, ValueError):
        return None


def _is_scalar(value: Any) -> bool:
    return isinstance(value, tf.Tensor) and value.shape.rank == 0 and value.dtype.is_floating


def _first_scalar(result: Any) -> tf.Tensor | None:
    """The loss a training step returns: its first floating-point scalar."""
    return next((value for value in tf.nest.flatten(result) if _is_scalar(value)), None)


def _layers_of(variables: list[Any]) -> tuple[list[LayerInfo], dict[str, Any], list[dict[str, Any]]]:
    """Layers, kernels and variable facts from bare variables: each kernel (rank >= 2) is a layer
    named after the folder of its path (``dense/kernel`` -> ``dense``); each feeds the next."""
    paths = [(getattr(v, "path", None) or v.name.split(":")[0], v) for v in variables]
    folder = {id(v): path.rpartition("/")[0] or path for path, v in paths}
    kernels = {folder[id(v)]: v for _, v in paths if len(v.shape) >= 2}
    layers = []
    for index, (name, kernel) in enumerate(kernels.items()):
        shape = tuple(int(d) for d in kernel.shape)
        last = index == len(kernels) - 1
        layers.append(
            LayerInfo(
                name=name,
                kind="Variable",
                units=shape[-1],
                fan_in=shape[-2],
                fan_out=shape[-1],
                kernel_shape=shape,
                is_output=last,
                feeds_trainable=not last,
            )
        )
    described = []
    for path, variable in paths:
        layer = folder[id(variable)] if folder[id(variable)] in kernels else None
        role = "other" if layer is None else "kernel" if kernels[layer] is variable else "bias"
        shape = [int(d) for d in variable.shape]
        described.append({"name": path, "layer": layer, "role": role, "shape": shape, "gradient": "ok"})
    return layers, kernels, described
