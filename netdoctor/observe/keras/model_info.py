"""Static facts about a Keras model: its leaf layers, their activations, wiring and variables."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import keras
import numpy as np

from netdoctor.observe.core.seam import Patches, PatchingObserver
from netdoctor.observe.tf.stats import WATCHED_ACTIVATIONS
from netdoctor.recording import LayerInfo

#: Keras layer classes that apply one activation function and hold no weights.
_ACTIVATION_LAYERS = {"ReLU": "relu", "Softmax": "softmax", "LeakyReLU": "leaky_relu", "ELU": "elu"}


def leaf_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Layers that hold no sub-layers, in the order the model tracks them. A recurrent layer
    counts as one layer: its cell runs inside a loop and is not a layer of the model's own."""
    found: list[keras.layers.Layer] = []

    def visit(layer: keras.layers.Layer) -> None:
        children = list(layer._flatten_layers(include_self=False, recursive=False))
        if not children or isinstance(layer, RECURRENT):
            found.append(layer)
            return
        for child in children:
            visit(child)

    for child in model._flatten_layers(include_self=False, recursive=False):
        visit(child)
    return found


#: Layers whose sub-layers run inside a loop (RNN cells), observed as one layer.
RECURRENT = (keras.layers.RNN, keras.layers.Bidirectional)


def trained_kernels(model: keras.Model) -> dict[str, Any]:
    """The trainable kernel of each leaf layer that has one, by layer name."""
    kernels = {}
    for layer in leaf_layers(model):
        kernel = kernel_of(layer)
        if kernel is not None and kernel.trainable:
            kernels[layer.name] = kernel
    return kernels


def variable_layers(model: keras.Model) -> dict[str, str]:
    """The layer each trainable variable belongs to, by variable path."""
    return {v.path: layer.name for layer in leaf_layers(model) for v in layer.trainable_weights}


def watched_layers(model: keras.Model) -> dict[Any, str]:
    """Layers whose outputs go through an activation the observers watch (ReLU, sigmoid, tanh),
    with that activation; recurrent layers are left out (their activations are internal)."""
    watched = {}
    for layer in leaf_layers(model):
        activation = activation_name(layer)
        if activation in WATCHED_ACTIVATIONS and not isinstance(layer, RECURRENT):
            watched[layer] = activation
    return watched


def activation_name(layer: keras.layers.Layer) -> str | None:
    """The activation a layer applies to its output (``linear`` for none), or None if it has none."""
    kind = type(layer).__name__
    if kind == "ReLU":
        config = layer.get_config()
        plain = not config.get("negative_slope") and config.get("max_value") is None
        return "relu" if plain else "leaky_relu"
    if kind in _ACTIVATION_LAYERS:
        return _ACTIVATION_LAYERS[kind]
    function = getattr(layer, "activation", None)
    if function is None:
        return None
    name = getattr(function, "__name__", None) or type(function).__name__
    return name.lower()


def kernel_of(layer: keras.layers.Layer) -> Any | None:
    """The layer's main weight matrix (``kernel``, or ``embeddings``), if any."""
    for attribute in ("kernel", "embeddings"):
        variable = getattr(layer, attribute, None)
        if variable is not None and hasattr(variable, "shape"):
            return variable
    return None


def _downstream(layer: keras.layers.Layer) -> list[keras.layers.Layer]:
    seen: dict[int, keras.layers.Layer] = {}
    frontier = [node.operation for node in layer._outbound_nodes]
    while frontier:
        current = frontier.pop()
        if id(current) in seen:
            continue
        seen[id(current)] = current
        frontier.extend(node.operation for node in getattr(current, "_outbound_nodes", []))
    return list(seen.values())


def _feeds_trainable(layers: list[keras.layers.Layer]) -> dict[int, bool]:
    """Whether each layer's output reaches a later layer with trainable weights."""
    wired = any(layer._outbound_nodes for layer in layers)
    with_weights = [layer for layer in layers if layer.trainable_weights]
    result = {}
    for index, layer in enumerate(layers):
        if wired:
            result[id(layer)] = any(d.trainable_weights for d in _downstream(layer))
        else:  # subclassed model: no graph to follow, so use the tracking order
            result[id(layer)] = any(other in with_weights for other in layers[index + 1 :])
    return result


def _inbound(layers: list[keras.layers.Layer]) -> dict[int, tuple[str, ...]]:
    """Names of the layers feeding each layer (the previous layer, for a subclassed model)."""
    wired = any(layer._inbound_nodes for layer in layers)
    result = {}
    for index, layer in enumerate(layers):
        if wired:
            names = [
                tensor._keras_history.operation.name
                for node in layer._inbound_nodes
                for tensor in node.input_tensors
                if not isinstance(tensor._keras_history.operation, keras.layers.InputLayer)
            ]
            result[id(layer)] = tuple(dict.fromkeys(names))
        else:
            result[id(layer)] = (layers[index - 1].name,) if index else ()
    return result


def describe_layers(model: keras.Model) -> list[LayerInfo]:
    layers = leaf_layers(model)
    feeds = _feeds_trainable(layers)
    inbound = _inbound(layers)
    infos = []
    for layer in layers:
        kernel = kernel_of(layer)
        shape = tuple(int(d) for d in kernel.shape) if kernel is not None else None
        fan_in = fan_out = units = None
        if shape is not None and len(shape) >= 2:
            receptive = 1
            for dim in shape[:-2]:
                receptive *= dim
            fan_in, fan_out, units = shape[-2] * receptive, shape[-1] * receptive, shape[-1]
        infos.append(
            LayerInfo(
                name=layer.name,
                kind=type(layer).__name__,
                activation=activation_name(layer),
                units=units,
                fan_in=fan_in,
                fan_out=fan_out,
                kernel_shape=shape,
                trainable=bool(layer.trainable),
                is_output=shape is not None and not feeds[id(layer)],
                feeds_trainable=feeds[id(layer)],
                source=getattr(layer, "_netdoctor_source", None),
                inbound=inbound[id(layer)],
                dropout=_dropout_rate(layer),
                rescale=_rescale(layer),
                **_regularization(layer),
            )
        )
    return infos


def _dropout_rate(layer: keras.layers.Layer) -> float | None:
    """The rate of a dropout layer (Dropout, SpatialDropout*, GaussianDropout, AlphaDropout)."""
    if "Dropout" not in type(layer).__name__:
        return None
    rate = getattr(layer, "rate", None)
    return float(rate) if isinstance(rate, (int, float)) else None


def _rescale(layer: keras.layers.Layer) -> tuple[float, float] | None:
    """A Rescaling layer's scalar (scale, offset); (1, 0) for a Normalization layer that was
    never adapted (mean 0, variance 1: it changes nothing); else None."""
    if isinstance(layer, keras.layers.Normalization):
        try:
            mean, variance = np.asarray(layer.mean), np.asarray(layer.variance)
        except (AttributeError, TypeError, ValueError):  # not built
            return None
        return (1.0, 0.0) if np.all(mean == 0) and np.all(variance == 1) else None
    if not isinstance(layer, keras.layers.Rescaling):
        return None
    try:
        return float(layer.scale), float(layer.offset)
    except (TypeError, ValueError):  # per-channel factors
        return None


def _regularization(layer: keras.layers.Layer) -> dict[str, float]:
    """The L1/L2 factors of a layer's kernel regularizer."""
    regularizer = getattr(layer, "kernel_regularizer", None)
    if regularizer is None:
        return {}
    try:
        config = regularizer.get_config()
    except (AttributeError, NotImplementedError):
        return {}
    return {key: float(config[key]) for key in ("l1", "l2") if isinstance(config.get(key), (int, float)) and config[key]}


def describe_variables(model: keras.Model, gradients_missing: set[str]) -> list[dict[str, Any]]:
    """Each trainable variable: name, owning layer, shape, role and whether it gets a gradient."""
    owners = {}
    for layer in leaf_layers(model):
        kernel = kernel_of(layer)
        for variable in layer.trainable_weights:
            role = "kernel" if variable is kernel else "bias" if "bias" in variable.path else "other"
            owners[id(variable)] = (layer.name, role)
    return [
        {
            "name": variable.path,
            "layer": owners.get(id(variable), (None, "other"))[0],
            "role": owners.get(id(variable), (None, "other"))[1],
            "shape": [int(d) for d in variable.shape],
            "gradient": "missing" if variable.path in gradients_missing else "ok",
        }
        for variable in model.trainable_variables
    ]


def output_activation(model: keras.Model) -> str:
    """The activation applied last on the (first) model output."""
    outputs = getattr(model, "outputs", None)
    try:
        layer = outputs[0]._keras_history.operation if outputs else None
    except AttributeError:
        layer = None
    if layer is None:
        layer = leaf_layers(model)[-1]
    while True:
        name = activation_name(layer)
        if name is not None:
            return name
        inbound = getattr(layer, "_inbound_nodes", [])
        parents = [t._keras_history.operation for n in inbound[:1] for t in n.input_tensors]
        if len(parents) != 1 or isinstance(parents[0], keras.layers.InputLayer):
            return "linear"
        layer = parents[0]


def wiring(model: keras.Model) -> str:
    """``graph`` when Keras knows how the layers connect (Sequential, functional), else ``order``."""
    return "graph" if any(layer._inbound_nodes for layer in leaf_layers(model)) else "order"


def model_summary(model: keras.Model, layers: list[LayerInfo]) -> str:
    """A one-line description: 'Sequential: 3 Dense layers, 13,002 parameters'."""
    counts: dict[str, int] = {}
    for layer in layers:
        if layer.has_kernel:
            counts[layer.kind] = counts.get(layer.kind, 0) + 1
    parts = ", ".join(f"{n} {kind} layer{'s' if n > 1 else ''}" for kind, n in counts.items())
    return f"{type(model).__name__}: {parts or 'no weighted layers'}, {model.count_params():,} parameters"


class LayerSources(PatchingObserver):
    """Remembers, on every Keras layer created while installed, the line of the target that
    made it (``LayerInfo.source``)."""

    def __init__(self, target: Path, display: str) -> None:
        self.filename = str(target)
        self.display = display

    def patch(self, patches: Patches) -> None:
        original = keras.layers.Layer.__init__
        filename, display = self.filename, self.display

        def __init__(layer, *args, **kwargs):  # noqa: N807  (wraps Layer.__init__)
            original(layer, *args, **kwargs)
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_filename != filename:
                frame = frame.f_back
            if frame is not None:
                object.__setattr__(layer, "_netdoctor_source", f"{display}:{frame.f_lineno}")

        patches.setattr(keras.layers.Layer, "__init__", __init__)


def layer_dicts(layers: list[LayerInfo]) -> list[dict[str, Any]]:
    return [asdict(layer) for layer in layers]
