"""Reading a TF1 graph: the layers its trained variables form, where new ops came from, and
arg-max reductions over the batch axis. Pure reading: nothing here adds ops."""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import tensorflow as tf
from tensorflow.python.framework import tensor_util

from netdoctor.observe.sources import UserCode
from netdoctor.recording import LayerInfo

#: Op types that apply an activation function, by the name netdoctor uses for it.
ACTIVATIONS = {
    "Relu": "relu",
    "Relu6": "relu6",
    "LeakyRelu": "leaky_relu",
    "Elu": "elu",
    "Selu": "selu",
    "Sigmoid": "sigmoid",
    "Tanh": "tanh",
    "Softmax": "softmax",
    "Softplus": "softplus",
}
#: Op types that multiply inputs by a kernel.
WEIGHT_OPS = {"MatMul", "BatchMatMul", "BatchMatMulV2", "Conv2D", "Conv3D", "DepthwiseConv2dNative"}
#: Op types that add a bias to a weight op's output.
BIAS_OPS = {"Add", "AddV2", "BiasAdd"}
#: Op types through which a variable's value reaches the op that uses it.
READS = {"Identity", "ReadVariableOp", "Cast"}
#: Op types that compare values: an arg-max feeding one of them is a metric.
COMPARISONS = {"Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"}
#: Op types that leave values as they are on their way to a comparison.
TRANSPARENT = {"Cast", "Identity", "Reshape", "Squeeze", "ExpandDims"}
CROSS_ENTROPIES = {"SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits"}
_GRADIENTS = re.compile(r"(^|/)gradients(_\d+)?/")
_AUTO_NAME = re.compile(r"^Variable(_\d+)?$")


def dimension(value: Any) -> int | None:
    return tf.compat.dimension_value(value)


def shape_of(tensor: tf.Tensor) -> list[int | None] | None:
    return None if tensor.shape.rank is None else [dimension(d) for d in tensor.shape]


@dataclass
class GraphLayer:
    """A trained kernel variable seen as a layer: the op it feeds and the activation after it."""

    info: LayerInfo
    variable: Any
    activation_op: tf.Operation | None


class GraphReader:
    """The forward part of a graph: every op but the gradients, the optimizer's updates,
    initializers and netdoctor's own ops (``excluded`` names)."""

    def __init__(self, graph: tf.Graph, excluded: set[str]) -> None:
        self.graph = graph
        self.excluded = excluded

    def forward(self, op: tf.Operation) -> bool:
        return not (
            op.name in self.excluded
            or _GRADIENTS.search(op.name)
            or op.type.startswith(("Assign", "Apply", "ResourceApply", "IsVariableInitialized"))
        )

    def consumers(self, op: tf.Operation) -> list[tf.Operation]:
        return [c for out in op.outputs for c in out.consumers() if self.forward(c)]

    def uses(self, variable: Any) -> list[tf.Operation]:
        """Forward ops that read ``variable`` (through identities and reads)."""
        found, frontier, seen = [], [variable.op], set()
        while frontier:
            op = frontier.pop()
            for consumer in self.consumers(op):
                if consumer.name in seen:
                    continue
                seen.add(consumer.name)
                (frontier if consumer.type in READS else found).append(consumer)
        return found

    def weight_op(self, variable: Any) -> tf.Operation | None:
        return next((op for op in self.uses(variable) if op.type in WEIGHT_OPS), None)

    def activation_after(self, op: tf.Operation) -> tuple[str, tf.Operation | None]:
        """The activation applied to a weight op's output (after a bias), or ``linear``."""
        frontier = [op]
        for _ in range(3):
            following = [c for o in frontier for c in self.consumers(o)]
            for consumer in following:
                if consumer.type in ACTIVATIONS:
                    return ACTIVATIONS[consumer.type], consumer
            frontier = [c for c in following if c.type in BIAS_OPS | READS]
        return "linear", None

    def reaches(self, start: tf.Operation, targets: set[str]) -> bool:
        """Whether ``start``'s output flows, through forward ops, into an op named in ``targets``."""
        frontier, seen = [start], {start.name}
        while frontier:
            for consumer in self.consumers(frontier.pop()):
                if consumer.name in targets:
                    return True
                if consumer.name not in seen:
                    seen.add(consumer.name)
                    frontier.append(consumer)
        return False

    def added_to(self, variable: Any, weight_ops: dict[str, str]) -> str | None:
        """The layer whose weight op output ``variable`` is added to (its bias), if any."""
        for op in self.uses(variable):
            if op.type not in BIAS_OPS:
                continue
            for tensor in op.inputs:
                source = tensor.op
                while source.type in READS and source.inputs:
                    source = source.inputs[0].op
                if source.name in weight_ops:
                    return weight_ops[source.name]
        return None


def python_name(variable: Any, user: UserCode) -> str | None:
    """The Python name a variable was assigned to (``W1 = tf.Variable(...)``), when it has one."""
    origin = user.origin(variable.op.traceback)
    if origin is None:
        return None
    try:
        statement = ast.parse(origin.code).body[0]
    except (SyntaxError, IndexError):
        return None
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    return None


def variable_names(variables: list[Any], user: UserCode) -> dict[str, str]:
    """A name for each variable: its own, or the Python name it was assigned to when TF named it
    ``Variable_N`` (``W1 = tf.Variable(...)``) and no other variable was assigned to that name."""
    names = {}
    for variable in variables:
        own = variable.op.name
        names[own] = (python_name(variable, user) or own) if _AUTO_NAME.match(own) else own
    counts = Counter(names.values())
    return {own: name if counts[name] == 1 else own for own, name in names.items()}


def describe_layers(
    reader: GraphReader, variables: list[Any], names: dict[str, str], user: UserCode
) -> list[GraphLayer]:
    """Each trained variable of rank 2 or more as a kernel layer named after it, in creation
    order. Its output feeds a trainable layer when it flows into another kernel's weight op."""
    kernels = [v for v in variables if v.shape.rank is not None and v.shape.rank >= 2]
    weight_ops = {v.op.name: reader.weight_op(v) for v in kernels}
    targets = {op.name for op in weight_ops.values() if op is not None}
    layers = []
    for variable in kernels:
        weight_op = weight_ops[variable.op.name]
        activation, activation_op = reader.activation_after(weight_op) if weight_op else (None, None)
        output = activation_op or weight_op
        feeds = output is not None and reader.reaches(output, targets - {weight_op.name})
        shape = tuple(dimension(d) for d in variable.shape)
        receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        origin = user.origin(variable.op.traceback)
        info = LayerInfo(
            name=names[variable.op.name],
            kind=weight_op.type if weight_op else "Variable",
            activation=activation,
            units=shape[-1],
            fan_in=shape[-2] * receptive,
            fan_out=shape[-1] * receptive,
            kernel_shape=shape,
            trainable=True,
            is_output=not feeds,
            feeds_trainable=feeds,
            source=origin.source if origin else None,
        )
        layers.append(GraphLayer(info, variable, activation_op))
    return layers


def describe_variables(
    reader: GraphReader,
    layers: list[GraphLayer],
    grads_and_vars: Iterable[tuple[Any, Any]],
    names: dict[str, str],
) -> list[dict[str, Any]]:
    """Each trained variable: name, layer, role, shape and whether it gets a gradient."""
    kernels = {layer.variable.op.name: layer.info.name for layer in layers}
    weight_ops = {}
    for layer in layers:
        op = reader.weight_op(layer.variable)
        if op is not None:
            weight_ops[op.name] = layer.info.name
    described = []
    for gradient, variable in grads_and_vars:
        if variable.op.name in kernels:
            layer, role = kernels[variable.op.name], "kernel"
        else:
            layer = reader.added_to(variable, weight_ops)
            role = "bias" if layer is not None else "other"
        described.append(
            {
                "name": names[variable.op.name],
                "layer": layer,
                "role": role,
                "shape": shape_of(variable),
                "gradient": "missing" if gradient is None else "ok",
            }
        )
    return described


def unwrapped(tensor: tf.Tensor) -> tf.Tensor:
    """The tensor before the reshapes and identities a loss wraps it in."""
    while tensor.op.type in ("Reshape", "Identity", "StopGradient") and tensor.op.inputs:
        tensor = tensor.op.inputs[0]
    return tensor


def classification_head(loss: tf.Tensor, limit: int = 500) -> tf.Operation | None:
    """The softmax cross-entropy op the loss is computed from, if any (inputs: logits, labels)."""
    frontier, seen = [loss.op], set()
    while frontier and len(seen) < limit:
        op = frontier.pop()
        if op.type in CROSS_ENTROPIES:
            return op
        seen.add(op.name)
        frontier.extend(t.op for t in op.inputs if t.op.name not in seen)
    return None


def origins(ops: Iterable[tf.Operation], user: UserCode, top: int = 3) -> tuple[list[dict], dict[str, int]]:
    """Where new ops were created (most ops first) and how many of each type."""
    by_origin: Counter = Counter()
    found = {}
    types: Counter = Counter()
    for op in ops:
        types[op.type] += 1
        origin = user.origin(op.traceback)
        if origin is not None:
            by_origin[origin.source] += 1
            found.setdefault(origin.source, origin)
    sources = [{**found[source].as_dict(), "ops": count} for source, count in by_origin.most_common(top)]
    return sources, dict(types.most_common(8))


def batch_axis_reductions(
    reader: GraphReader, ops: Iterable[tf.Operation], user: UserCode
) -> list[dict[str, Any]]:
    """Arg-max/arg-min ops over axis 0 of a [batch, classes] tensor whose result is compared."""
    found = []
    for op in ops:
        if op.type not in ("ArgMax", "ArgMin") or not reader.forward(op):
            continue
        values = op.inputs[0]
        shape = shape_of(values)
        axis = tensor_util.constant_value(op.inputs[1])
        if shape is None or len(shape) != 2 or axis is None or int(axis) not in (0, -2):
            continue
        if shape[1] is not None and shape[1] < 2:
            continue
        consumer = _comparison_fed(reader, op)
        if consumer is None:
            continue
        origin = user.origin(op.traceback)
        found.append(
            {
                "op": op.name,
                "op_type": op.type,
                "axis": int(axis),
                "input": values.name,
                "input_shape": shape,
                "consumer": consumer.type,
                **(origin.as_dict() if origin else {"source": None}),
            }
        )
    return found


def _comparison_fed(reader: GraphReader, op: tf.Operation) -> tf.Operation | None:
    """The comparison ``op``'s result flows into (through casts and reshapes), if any."""
    frontier = [op]
    for _ in range(4):
        following = [c for o in frontier for c in reader.consumers(o)]
        for consumer in following:
            if consumer.type in COMPARISONS:
                return consumer
        frontier = [c for c in following if c.type in TRANSPARENT]
    return None

