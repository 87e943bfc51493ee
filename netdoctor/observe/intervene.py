"""Apply planned interventions (:mod:`netdoctor.interventions`) where they concern the program.

An intervention changes the run at the point it concerns, whatever trains the model: the
arguments of Keras ``compile`` and ``fit``, a Keras model before its first step, an optimizer
before its first update, the inputs a model (or a TF1 session) is fed, a hand-written update of
a trained variable, the initial value of a variable the program creates, a loss function's
inputs. Each implementation overrides the hooks it needs; the :class:`Intervening` observer
installs only those, outermost, and records where each intervention found something to
change (the run fact ``intervened``), so a fix that changed nothing is not mistaken for one
that did not help.
"""

from __future__ import annotations

import inspect
import math
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from netdoctor import metrics as m
from netdoctor.observe.core.records import Records
from netdoctor.observe.core.seam import Patches, PatchingObserver
from netdoctor.observe.core.sources import UserCode

#: The smallest probability a clipped log sees.
LOG_FLOOR = 1e-10
#: Cross-entropies of tf.nn that take logits, by name: the keyword of the logits.
TF_NN_LOGITS = {
    "softmax_cross_entropy_with_logits": "softmax",
    "softmax_cross_entropy_with_logits_v2": "softmax",
    "sparse_softmax_cross_entropy_with_logits": "softmax",
    "sigmoid_cross_entropy_with_logits": "sigmoid",
}


def _numpy_initializer(kind: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """He normal or Glorot uniform values for a kernel of ``shape`` (the last axis is fan-out)."""
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    fan_in = shape[-2] * receptive if len(shape) >= 2 else shape[0]
    fan_out = shape[-1] * receptive
    if kind == "he":
        return rng.normal(0.0, math.sqrt(2.0 / fan_in), shape)
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape)


def _layers_of(model: keras.Model) -> list[keras.layers.Layer]:
    return list(model._flatten_layers(include_self=False, recursive=True))


class Fix:
    """One intervention's implementation. Hooks return whether they changed something (or the
    changed value); the defaults change nothing."""

    def __init__(self, params: dict[str, Any], seed: int) -> None:
        self.params = params
        self.rng = np.random.default_rng(seed)

    def on_model(self, model: keras.Model) -> bool:
        """Change a Keras model before it trains (called again once it is built)."""
        return False

    def on_compile(self, arguments: dict[str, Any]) -> bool:
        """Change the arguments of ``Model.compile``."""
        return False

    def on_fit(self, arguments: dict[str, Any]) -> bool:
        """Change the arguments of ``Model.fit``."""
        return False

    def on_dataset(self, dataset: Any) -> Any:
        """The data of a model file (a :class:`netdoctor.data.Dataset`), changed; ``None``
        leaves it."""
        return None

    def on_optimizer(self, optimizer: Any) -> bool:
        """Change an optimizer (Keras or TF1) before its first update."""
        return False

    def on_inputs(self, x: Any) -> Any:
        """The model's (or the session's) inputs, changed; ``None`` leaves them."""
        return None

    def see_inputs(self, x: np.ndarray) -> None:
        """The training inputs, where they are known as a whole."""

    def on_initial_value(self, value: Any, source: str) -> Any:
        """A new initial value for a variable created at ``source``; ``None`` keeps it."""
        return None

    #: Factor on the change a hand-written update makes (1: untouched).
    hand_factor = 1.0

    def on_gradients(self, gradients: list[Any], sources: list[Any], namespace: dict[str, Any]) -> bool:
        """Act on gradients just computed with ``GradientTape.gradient``."""
        return False

    def on_loss(self, loss: keras.losses.Loss) -> keras.losses.Loss | None:
        """A loss to compute instead of ``loss``; ``None`` keeps it."""
        return None

    def on_logits(self, function: str, logits: Any) -> Any:
        """Logits for a tf.nn cross-entropy instead of ``logits``; ``None`` keeps them."""
        return None

    def on_log(self, x: Any) -> Any:
        """The argument of a log, changed; ``None`` keeps it."""
        return None

    def on_dropout_rate(self, rate: Any) -> Any:
        """The rate of a tf.nn dropout, changed; ``None`` keeps it."""
        return None


class _Kernels(Fix):
    """Re-initializes the kernels of the Keras layers in ``params["kernels"]`` (name -> he or
    glorot), biases to zero, once each, as soon as they are built."""

    def __init__(self, params, seed):
        super().__init__(params, seed)
        self._done: set[int] = set()

    def on_model(self, model):
        wanted = self.params.get("kernels") or {}
        changed = False
        for layer in _layers_of(model):
            kind = wanted.get(layer.name)
            kernel = getattr(layer, "kernel", None) if layer.built else None
            if kind is None or kernel is None or id(layer) in self._done:
                continue
            shape = tuple(int(d) for d in kernel.shape)
            kernel.assign(_numpy_initializer(kind, shape, self.rng).astype(kernel.dtype))
            bias = getattr(layer, "bias", None)
            if bias is not None:
                bias.assign(np.zeros(tuple(int(d) for d in bias.shape), dtype=bias.dtype))
            self._done.add(id(layer))
            changed = True
        return changed


class Reinitialize(_Kernels):
    """Keras layers by name; plain variables by the line that creates them."""

    def on_initial_value(self, value, source):
        kind = (self.params.get("sources") or {}).get(source)
        if kind is None:
            return None
        initial = value() if callable(value) else value
        shape = tuple(int(d) for d in tf.TensorShape(getattr(initial, "shape", np.shape(initial))))
        if len(shape) < 2:
            return None
        dtype = getattr(initial, "dtype", tf.float32)
        dtype = dtype.as_numpy_dtype if isinstance(dtype, tf.DType) else dtype
        return _numpy_initializer(kind, shape, self.rng).astype(dtype)


class HiddenRelu(_Kernels):
    """ReLU in the named layers, their kernels re-initialized for it (He normal)."""

    def __init__(self, params, seed):
        super().__init__({"kernels": {name: "he" for name in params.get("names") or ()}}, seed)

    def on_model(self, model):
        changed = False
        for layer in _layers_of(model):
            if layer.name in self.params["kernels"] and getattr(layer, "activation", None) is not keras.activations.relu:
                layer.activation = keras.activations.relu
                changed = True
        return super().on_model(model) or changed


class LearningRate(Fix):
    def __init__(self, params, seed):
        super().__init__(params, seed)
        self.factor = float(params["factor"])
        self.hand_factor = self.factor if params.get("hand_written") else 1.0

    def on_optimizer(self, optimizer):
        if isinstance(optimizer, keras.optimizers.Optimizer):
            rate = optimizer._learning_rate
            if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
                optimizer._learning_rate = _Scaled(rate, self.factor)
            else:
                optimizer.learning_rate = float(np.asarray(optimizer.learning_rate)) * self.factor
            return True
        for name in ("_learning_rate", "_lr"):  # tf.compat.v1.train optimizers
            if hasattr(optimizer, name) and not callable(getattr(optimizer, name)):
                setattr(optimizer, name, getattr(optimizer, name) * self.factor)
                return True
        return False


class _Scaled(keras.optimizers.schedules.LearningRateSchedule):
    """A learning-rate schedule times a factor."""

    def __init__(self, schedule, factor: float) -> None:
        self.schedule, self.factor = schedule, factor

    def __call__(self, step):
        return self.schedule(step) * self.factor

    def get_config(self):
        return {"factor": self.factor}


class RemoveClipping(Fix):
    def on_optimizer(self, optimizer):
        changed = False
        for name in self.params.get("clipping") or ():
            if getattr(optimizer, name, None):
                setattr(optimizer, name, None)
                changed = True
        return changed


class DefaultBetas(Fix):
    def on_optimizer(self, optimizer):
        beta_1, beta_2 = self.params["betas"]
        if isinstance(optimizer, keras.optimizers.Optimizer) and hasattr(optimizer, "beta_2"):
            optimizer.beta_1, optimizer.beta_2 = beta_1, beta_2
            return True
        if hasattr(optimizer, "_beta2"):  # tf.compat.v1.train.AdamOptimizer
            optimizer._beta1, optimizer._beta2 = beta_1, beta_2
            return True
        return False


class Descend(Fix):
    def __init__(self, params, seed):
        super().__init__(params, seed)
        self.hand_factor = float(params["factor"])


class PairOutput(Fix):
    """Activation and loss changes, or the logits under probabilities, or a clipped log."""

    def on_model(self, model):
        activations = self.params.get("activation") or {}
        identity = set(self.params.get("identity") or ())
        changed = False
        for layer in _layers_of(model):
            if layer.name in activations and hasattr(layer, "activation"):
                layer.activation = keras.activations.get(activations[layer.name])
                changed = True
            elif layer.name in identity:
                object.__setattr__(layer, "call", lambda inputs, *args, **kwargs: inputs)
                changed = True
        return changed

    def _replacement(self) -> keras.losses.Loss | None:
        wanted = self.params.get("criterion")
        if not wanted:
            return None
        loss_class = getattr(keras.losses, "".join(part.capitalize() for part in wanted["name"].split("_")))
        config = loss_class().get_config()
        if "from_logits" in config and wanted.get("logits") is not None:
            config["from_logits"] = bool(wanted["logits"])
        replacement = loss_class.from_config(config)
        replacement._netdoctor_replacement = True
        return replacement

    def on_compile(self, arguments):
        replacement = self._replacement()
        if replacement is None or arguments.get("loss") is None:
            return False
        arguments["loss"] = replacement
        return True

    def on_loss(self, loss):
        if getattr(loss, "_netdoctor_replacement", False):
            return None
        return self._replacement()

    def on_logits(self, function, logits):
        if not self.params.get("logits_of_probabilities"):
            return None
        op = None if tf.executing_eagerly() else getattr(logits, "op", None)
        kind = TF_NN_LOGITS[function]
        if op is not None and op.type == ("Softmax" if kind == "softmax" else "Sigmoid"):
            return op.inputs[0]
        p = tf.clip_by_value(logits, LOG_FLOOR, 1.0 - LOG_FLOOR)
        return tf.math.log(p) if kind == "softmax" else tf.math.log(p) - tf.math.log(1.0 - p)

    def on_log(self, x):
        if not self.params.get("clip_log"):
            return None
        return tf.maximum(x, LOG_FLOOR)


class StandardizeInputs(Fix):
    def __init__(self, params, seed):
        super().__init__(params, seed)
        self.size = params.get("input_size")
        self.shift: np.ndarray | float = 0.0
        self.scale: np.ndarray | float | None = params.get("scale")

    def see_inputs(self, x):
        if self.scale is None and x is not None and np.ndim(x) >= 2:
            flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
            self.shift = flat.mean(axis=0)
            std = flat.std(axis=0)
            std[std == 0] = 1.0
            self.scale = 1.0 / std

    def on_inputs(self, x):
        size = _example_size(x)
        if size is None or (self.size and size != self.size):
            return None
        if self.scale is None:  # standardize from the first batch seen
            self.see_inputs(np.asarray(x))
        if isinstance(x, np.ndarray):
            dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32
            flat = x.reshape(len(x), -1)
            return ((flat - self.shift) * self.scale).astype(dtype).reshape(x.shape)
        x = x if x.dtype.is_floating else tf.cast(x, tf.float32)
        shift = tf.constant(np.asarray(self.shift), dtype=x.dtype)
        scale = tf.constant(np.asarray(self.scale), dtype=x.dtype)
        flat = tf.reshape(x, [-1, size])
        return tf.reshape((flat - shift) * scale, tf.shape(x))


def _example_size(x: Any) -> int | None:
    """Values per example of a batch (None when unknown or not a batch)."""
    shape = getattr(x, "shape", None)
    if shape is None or len(shape) < 2:
        return None
    dims = list(shape)[1:]
    if any(d is None for d in dims):
        return None
    return int(np.prod([int(d) for d in dims]))


class Shuffle(Fix):
    def on_fit(self, arguments):
        x, y = arguments.get("x"), arguments.get("y")
        if isinstance(x, np.ndarray) and isinstance(y, np.ndarray) and len(x) == len(y):
            order = self.rng.permutation(len(x))
            arguments["x"], arguments["y"] = x[order], y[order]
            arguments["shuffle"] = True
            return True
        if arguments.get("shuffle") is False:
            arguments["shuffle"] = True
            return True
        return False


class ReduceDropout(Fix):
    def on_model(self, model):
        wanted, rate = set(self.params.get("names") or ()), float(self.params["rate"])
        changed = False
        for layer in _layers_of(model):
            if layer.name in wanted and isinstance(getattr(layer, "rate", None), (int, float)):
                layer.rate = min(float(layer.rate), rate)
                changed = True
        return changed

    def on_dropout_rate(self, rate):
        return tf.minimum(tf.cast(rate, tf.float32), float(self.params["rate"]))


class ReduceRegularization(Fix):
    def on_model(self, model):
        wanted, factor = set(self.params.get("names") or ()), float(self.params["factor"])
        changed = False
        for layer in _layers_of(model):
            regularizer = getattr(layer, "kernel_regularizer", None)
            if layer.name not in wanted or regularizer is None:
                continue
            config = regularizer.get_config()
            scaled = keras.regularizers.L1L2(
                l1=config.get("l1", 0.0) * factor, l2=config.get("l2", 0.0) * factor
            )
            layer.kernel_regularizer = scaled
            kernel = getattr(layer, "kernel", None) if layer.built else None
            if kernel is not None and getattr(kernel, "regularizer", None) is not None:
                kernel.regularizer = scaled
            changed = True
        return changed


class SmallerBatch(Fix):
    def on_fit(self, arguments):
        if not isinstance(arguments.get("x"), np.ndarray):
            return False
        arguments["batch_size"] = int(self.params["batch"])
        return True


class DropNonFinite(Fix):
    def on_fit(self, arguments):
        x, y = arguments.get("x"), arguments.get("y")
        if not (isinstance(x, np.ndarray) and isinstance(y, np.ndarray)):
            return False
        keep = _finite_rows(x) & _finite_rows(y)
        arguments["x"], arguments["y"] = x[keep], y[keep]
        validation = arguments.get("validation_data")
        if isinstance(validation, (tuple, list)) and len(validation) >= 2:
            arguments["validation_data"] = _finite_pair(validation[0], validation[1])
        return not keep.all()

    def on_dataset(self, dataset):
        keep = _finite_rows(dataset.x_train) & _finite_rows(dataset.y_train)
        if keep.all():
            return None
        x_test, y_test = _finite_pair(dataset.x_test, dataset.y_test)
        return replace(dataset, x_train=dataset.x_train[keep], y_train=dataset.y_train[keep], x_test=x_test, y_test=y_test)


def _finite_pair(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x), np.asarray(y)
    keep = _finite_rows(x) & _finite_rows(y)
    return x[keep], y[keep]


def _finite_rows(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    if not np.issubdtype(a.dtype, np.number):
        return np.ones(len(a), dtype=bool)
    return np.isfinite(a.reshape(len(a), -1)).all(axis=1)


class ApplyGradients(Fix):
    """Applies the gradients a loop computes with an optimizer like the program's own (its own
    state stays the program's)."""

    def __init__(self, params, seed):
        super().__init__(params, seed)
        self._optimizers: dict[int, Any] = {}

    def on_gradients(self, gradients, sources, namespace):
        from keras.src.optimizers.base_optimizer import BaseOptimizer

        found = {id(v): v for v in namespace.values() if isinstance(v, BaseOptimizer)}
        pairs = [(g, v) for g, v in zip(gradients, sources) if g is not None]
        if len(found) != 1 or not pairs:
            return False
        (key, optimizer), = found.items()
        if key not in self._optimizers:
            with tf.init_scope():
                self._optimizers[key] = type(optimizer).from_config(optimizer.get_config())
        self._optimizers[key].apply_gradients(pairs)
        return True


#: The implementation of every intervention in :data:`netdoctor.interventions.CATALOG`.
IMPLEMENTATIONS: dict[str, type[Fix]] = {
    "pair-output": PairOutput,
    "hidden-relu": HiddenRelu,
    "reinitialize": Reinitialize,
    "lower-learning-rate": LearningRate,
    "remove-clipping": RemoveClipping,
    "default-betas": DefaultBetas,
    "raise-learning-rate": LearningRate,
    "standardize-inputs": StandardizeInputs,
    "shuffle": Shuffle,
    "reduce-dropout": ReduceDropout,
    "reduce-regularization": ReduceRegularization,
    "smaller-batch": SmallerBatch,
    "drop-non-finite": DropNonFinite,
    "apply-gradients": ApplyGradients,
    "descend": Descend,
}


def _overrides(fix: Fix, hook: str) -> bool:
    return getattr(type(fix), hook) is not getattr(Fix, hook)


class Intervening(PatchingObserver):
    """Applies the planned interventions of one run (see the module docstring)."""

    def __init__(
        self,
        planned: list[dict[str, Any]],
        records: Records,
        user: UserCode,
        seed: int,
        namespace: dict[str, Any] | None = None,
    ) -> None:
        self.records = records
        self.user = user
        self.namespace = namespace if namespace is not None else {}
        self.fixes: list[tuple[str, Fix]] = []
        for spec in planned:
            parts = spec["params"]["parts"] if spec["name"] == "together" else [spec]
            for part in parts:
                self.fixes.append((part["name"], IMPLEMENTATIONS[part["name"]](part["params"], seed)))
        self.applied: dict[str, set[str]] = {name: set() for name, _ in self.fixes}
        self._models: set[int] = set()
        self._optimizers: set[int] = set()
        self._input_model: int | None = None
        self._trained: set[int] = set()
        self._in_optimizer = 0

    # ---- where an intervention applies -----------------------------------------------------------
    def _each(self, hook: str) -> list[tuple[str, Fix]]:
        return [(name, fix) for name, fix in self.fixes if _overrides(fix, hook)]

    def _mark(self, name: str, where: str) -> None:
        self.applied[name].add(where)

    def prepare_model(self, model: keras.Model, where: str) -> None:
        """Apply the model changes to ``model`` (again once it is built: idempotent)."""
        with tf.init_scope():
            for name, fix in self._each("on_model"):
                if fix.on_model(model):
                    self._mark(name, where)

    def change_dataset(self, dataset: Any) -> Any:
        """A model file's data, with the data changes applied."""
        for name, fix in self._each("on_dataset"):
            changed = fix.on_dataset(dataset)
            if changed is not None:
                dataset = changed
                self._mark(name, "the data")
        return dataset

    def see_inputs(self, x: Any) -> None:
        if isinstance(x, np.ndarray):
            for _, fix in self._each("see_inputs"):
                fix.see_inputs(x)

    def change_optimizer(self, optimizer: Any, where: str) -> None:
        if id(optimizer) in self._optimizers:
            return
        self._optimizers.add(id(optimizer))
        with tf.init_scope():
            for name, fix in self._each("on_optimizer"):
                if fix.on_optimizer(optimizer):
                    self._mark(name, where)

    def change_inputs(self, x: Any, where: str) -> Any:
        for name, fix in self._each("on_inputs"):
            changed = fix.on_inputs(x)
            if changed is not None:
                x = changed
                self._mark(name, where)
        return x

    # ---- installing ------------------------------------------------------------------------------
    def patch(self, patches: Patches) -> None:
        self._patch_keras(patches)
        if self._each("on_optimizer"):
            self._patch_tf1_optimizer(patches)
        if self._each("on_initial_value"):
            patches.enter(tf.variable_creator_scope(self._creator))
            if tf.compat.v1.variable_creator_scope is not tf.variable_creator_scope:
                patches.enter(tf.compat.v1.variable_creator_scope(self._creator))
        if self._each("on_gradients") or any(fix.hand_factor != 1.0 for _, fix in self.fixes):
            self._patch_gradients(patches)
        if any(fix.hand_factor != 1.0 for _, fix in self.fixes):
            self._patch_assign(patches)
        if self._each("on_logits"):
            self._patch_tf_losses(patches)
        if self._each("on_log"):
            for owner in (tf.math, tf.compat.v1, tf.compat.v1.math):
                patches.setattr(owner, "log", self._clipped(tf.math.log))
        if self._each("on_dropout_rate"):
            self._patch_dropout(patches)
        if self._each("on_inputs"):
            self._patch_session_feeds(patches)

    def finish(self) -> None:
        self.records.write(
            "meta",
            **{
                m.INTERVENED: [
                    {"name": name, "applied": sorted(self.applied[name])} for name, _ in self.fixes
                ]
            },
        )

    def _patch_keras(self, patches: Patches) -> None:
        from keras.src.optimizers.base_optimizer import BaseOptimizer

        hook = self
        compile_, fit, call, apply = (
            keras.Model.compile,
            keras.Model.fit,
            keras.Model.__call__,
            BaseOptimizer.apply,
        )
        loss_call = keras.losses.Loss.__call__
        # the signatures of Keras's own methods: those in place may be other observers' wrappers
        compile_signature = inspect.signature(keras.src.trainers.trainer.Trainer.compile)
        fit_signature = inspect.signature(keras.src.trainers.trainer.Trainer.fit)

        def intervened_compile(model, *args, **kwargs):
            bound = compile_signature.bind(model, *args, **kwargs)
            for name, fix in hook._each("on_compile"):
                if fix.on_compile(bound.arguments):
                    hook._mark(name, "compile")
            return compile_(*bound.args, **bound.kwargs)

        def intervened_fit(model, *args, **kwargs):
            bound = fit_signature.bind(model, *args, **kwargs)
            hook.see_inputs(bound.arguments.get("x"))
            hook.prepare_model(model, "fit")
            hook._models.add(id(model))
            for name, fix in hook._each("on_fit"):
                if fix.on_fit(bound.arguments):
                    hook._mark(name, "fit")
            return fit(*bound.args, **bound.kwargs)

        def intervened_call(model, *args, **kwargs):
            first = id(model) not in hook._models
            if first:
                hook._models.add(id(model))
                hook.prepare_model(model, "model layers")
            if args and hook._each("on_inputs") and hook._input_model in (None, id(model)):
                changed = hook.change_inputs(args[0], "model inputs")
                if changed is not args[0]:
                    hook._input_model = id(model)
                    args = (changed, *args[1:])
            output = call(model, *args, **kwargs)
            if first:
                hook.prepare_model(model, "model layers")  # now that it is built
            return output

        def intervened_apply(optimizer, grads, trainable_variables=None):
            hook.change_optimizer(optimizer, "optimizer settings")
            hook._in_optimizer += 1
            try:
                return apply(optimizer, grads, trainable_variables)
            finally:
                hook._in_optimizer -= 1

        def intervened_loss(loss, y_true, y_pred, sample_weight=None):
            for name, fix in hook._each("on_loss"):
                replacement = fix.on_loss(loss)
                if replacement is not None:
                    hook._mark(name, "loss function")
                    return replacement(y_true, y_pred, sample_weight)
            return loss_call(loss, y_true, y_pred, sample_weight)

        if self._each("on_compile"):
            patches.setattr(keras.Model, "compile", intervened_compile)
        patches.setattr(keras.Model, "fit", intervened_fit)
        patches.setattr(keras.Model, "__call__", intervened_call)
        patches.setattr(BaseOptimizer, "apply", intervened_apply)
        if self._each("on_loss"):
            patches.setattr(keras.losses.Loss, "__call__", intervened_loss)

    def _patch_tf1_optimizer(self, patches: Patches) -> None:
        optimizer_class = tf.compat.v1.train.Optimizer
        apply = optimizer_class.apply_gradients
        hook = self

        def intervened_apply(optimizer, *args, **kwargs):
            hook.change_optimizer(optimizer, "optimizer settings")
            return apply(optimizer, *args, **kwargs)

        patches.setattr(optimizer_class, "apply_gradients", intervened_apply)

    def _creator(self, next_creator, **kwargs):
        origin = self.user.origin(traceback.extract_stack())
        value = kwargs.get("initial_value")
        if origin is not None and value is not None:
            for name, fix in self._each("on_initial_value"):
                changed = fix.on_initial_value(value, origin.source)
                if changed is not None:
                    kwargs["initial_value"] = changed
                    self._mark(name, origin.source)
                    break
        return next_creator(**kwargs)

    def _patch_gradients(self, patches: Patches) -> None:
        gradient = tf.GradientTape.gradient
        hook = self

        def intervened_gradient(tape, target, sources, *args, **kwargs):
            result = gradient(tape, target, sources, *args, **kwargs)
            if hook._in_optimizer:
                return result
            flat_sources, flat_result = tf.nest.flatten(sources), tf.nest.flatten(result)
            for variable in flat_sources:
                hook._trained.add(id(variable))
                inner = getattr(variable, "_value", None)
                if inner is not None:
                    hook._trained.add(id(inner))
            for name, fix in hook._each("on_gradients"):
                if fix.on_gradients(flat_result, flat_sources, hook.namespace):
                    hook._mark(name, "gradients")
            return result

        patches.setattr(tf.GradientTape, "gradient", intervened_gradient)

    def _patch_assign(self, patches: Patches) -> None:
        from keras.src.backend.common.variables import Variable as KerasVariable
        from tensorflow.python.ops import resource_variable_ops

        factor = float(np.prod([fix.hand_factor for _, fix in self.fixes]))
        names = [name for name, fix in self.fixes if fix.hand_factor != 1.0]
        hook = self

        def scaled(original, method: str) -> Callable[..., Any]:
            def assign(variable, value, *args, **kwargs):
                if hook._in_optimizer or id(variable) not in hook._trained:
                    return original(variable, value, *args, **kwargs)
                if method == "assign":
                    old = tf.convert_to_tensor(variable)
                    value = old + factor * (tf.cast(value, old.dtype) - old)
                else:
                    value = factor * value
                for name in names:
                    hook._mark(name, "hand-written updates")
                return original(variable, value, *args, **kwargs)

            return assign

        for owner in (
            KerasVariable,
            resource_variable_ops.BaseResourceVariable,
            resource_variable_ops.ResourceVariable,
        ):
            for method in ("assign", "assign_add", "assign_sub"):
                if method in vars(owner):
                    patches.setattr(owner, method, scaled(vars(owner)[method], method))

    def _patch_tf_losses(self, patches: Patches) -> None:
        hook = self
        for owner in {id(n): n for n in (tf.nn, tf.compat.v1.nn)}.values():
            for function_name in TF_NN_LOGITS:
                original = getattr(owner, function_name, None)
                if original is None:
                    continue

                def intervened(*args, _original=original, _name=function_name, **kwargs):
                    logits = kwargs.get("logits")
                    if logits is not None:
                        for name, fix in hook._each("on_logits"):
                            changed = fix.on_logits(_name, logits)
                            if changed is not None:
                                kwargs["logits"] = changed
                                hook._mark(name, "loss function")
                                break
                    return _original(*args, **kwargs)

                patches.setattr(owner, function_name, intervened)

    def _clipped(self, log: Callable[..., Any]) -> Callable[..., Any]:
        hook = self

        def clipped(x, name=None):
            op = None if tf.executing_eagerly() else getattr(x, "op", None)
            if op is not None and op.type in ("Softmax", "Sigmoid"):
                for fix_name, fix in hook._each("on_log"):
                    changed = fix.on_log(x)
                    if changed is not None:
                        hook._mark(fix_name, "log")
                        return log(changed, name=name)
            return log(x, name=name)

        return clipped

    def _patch_dropout(self, patches: Patches) -> None:
        hook = self
        for owner in {id(n): n for n in (tf.nn, tf.compat.v1.nn)}.values():
            original = owner.dropout
            signature = inspect.signature(original)

            def intervened(*args, _original=original, _signature=signature, **kwargs):
                bound = _signature.bind(*args, **kwargs)
                for name, fix in hook._each("on_dropout_rate"):
                    rate = bound.arguments.get("rate")
                    keep = bound.arguments.get("keep_prob")
                    if rate is not None:
                        bound.arguments["rate"] = fix.on_dropout_rate(rate)
                    elif keep is not None:
                        bound.arguments["keep_prob"] = 1.0 - fix.on_dropout_rate(1.0 - tf.cast(keep, tf.float32))
                    else:
                        continue
                    hook._mark(name, "tf.nn.dropout")
                return _original(*bound.args, **bound.kwargs)

            patches.setattr(owner, "dropout", intervened)

    def _patch_session_feeds(self, patches: Patches) -> None:
        run = tf.compat.v1.Session.run
        hook = self

        def intervened_run(session, fetches, feed_dict=None, options=None, run_metadata=None):
            if feed_dict:
                feed_dict = {
                    key: hook.change_inputs(value, "session feeds")
                    if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.floating)
                    else value
                    for key, value in feed_dict.items()
                }
            return run(session, fetches, feed_dict, options, run_metadata)

        patches.setattr(tf.compat.v1.Session, "run", intervened_run)


def for_spec(planned: list[dict[str, Any]], records: Records, user: UserCode, seed: int, namespace=None) -> list[Intervening]:
    """The observer that applies ``planned`` (none when nothing is planned)."""
    return [Intervening(planned, records, user, seed, namespace)] if planned else []
