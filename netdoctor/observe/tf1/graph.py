"""Reading a TF1 graph: the layers its trained variables form, where new ops came from, and
arg-max reductions over the batch axis. Pure reading: nothing here adds ops."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import tensorflow as tf
from tensorflow.python.framework import tensor_util

from netdoctor.observe.core.sources import UserCode, readable_names
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
#: Op types a layer's output passes through on its way into the next layer unchanged in kind.
PASS_THROUGH = {"Identity", "Reshape", "Squeeze", "ExpandDims", "Mul", "RealDiv", "Cast", "Select", "SelectV2"}
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
    weight_op: tf.Operation | None = None


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

    def layer_ops(self, weight_op: tf.Operation) -> list[tf.Operation]:
        """The weight op and the bias and activation ops right after it: a layer's outputs."""
        found, frontier = [weight_op], [weight_op]
        for _ in range(3):
            following = [c for o in frontier for c in self.consumers(o) if c.type in BIAS_OPS | READS | set(ACTIVATIONS)]
            found.extend(following)
            frontier = following
        return found

    def fed_by(self, weight_op: tf.Operation, outputs: dict[str, str]) -> list[str]:
        """The layers (by the names in ``outputs``) whose output is this weight op's input,
        through reshapes and dropout."""
        found: list[str] = []
        frontier = [t.op for t in weight_op.inputs]
        seen: set[str] = set()
        while frontier:
            op = frontier.pop()
            if op.name in seen:
                continue
            seen.add(op.name)
            if op.name in outputs:
                found.append(outputs[op.name])
            elif op.type in PASS_THROUGH:
                frontier.extend(t.op for t in op.inputs)
        return list(dict.fromkeys(found))

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


def variable_names(variables: list[Any], user: UserCode) -> dict[str, str]:
    """A name for each variable, by op name: see :func:`readable_names`."""
    return readable_names({v.op.name: (v.op.name, user.origin(v.op.traceback)) for v in variables})


def describe_layers(
    reader: GraphReader, variables: list[Any], names: dict[str, str], user: UserCode
) -> list[GraphLayer]:
    """Each trained kernel (a variable of rank 2 or more) as a layer named after it, in creation
    order, with the activation after it and the kernel layers that feed it; then each trained
    variable that is neither a kernel nor a kernel's bias (a scalar ``W``) as a layer of its own.
    A layer feeds a trainable layer when its output flows into another kernel's weight op."""
    kernels = [v for v in variables if v.shape.rank is not None and v.shape.rank >= 2]
    weight_ops = {v.op.name: reader.weight_op(v) for v in kernels}
    targets = {op.name for op in weight_ops.values() if op is not None}
    layers = []
    outputs: dict[str, str] = {}  # op name of a layer's output (weight op, bias, activation) -> layer
    for variable in kernels:
        weight_op = weight_ops[variable.op.name]
        activation, activation_op = reader.activation_after(weight_op) if weight_op else (None, None)
        output = activation_op or weight_op
        feeds = output is not None and reader.reaches(output, targets - {weight_op.name})
        shape = tuple(dimension(d) for d in variable.shape)
        receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        origin = user.origin(variable.op.traceback)
        name = names[variable.op.name]
        for op in reader.layer_ops(weight_op) if weight_op is not None else []:
            outputs[op.name] = name
        info = LayerInfo(
            name=name,
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
        layers.append(GraphLayer(info, variable, activation_op, weight_op))
    for layer in layers:
        if layer.weight_op is not None:
            fed_by = reader.fed_by(layer.weight_op, outputs)
            layer.info = replace(layer.info, inbound=tuple(n for n in fed_by if n != layer.info.name))
    layer_of_op = {op.name: names[name] for name, op in weight_ops.items() if op is not None}
    biases = {v.op.name for v in variables if reader.added_to(v, layer_of_op) is not None}
    for variable in variables:
        if variable in kernels or variable.op.name in biases:
            continue
        origin = user.origin(variable.op.traceback)
        info = LayerInfo(
            name=names[variable.op.name],
            kind="Variable",
            kernel_shape=tuple(dimension(d) for d in variable.shape) if variable.shape.rank is not None else (),
            trainable=True,
            source=origin.source if origin else None,
        )
        layers.append(GraphLayer(info, variable, None, None))
    return layers


#: Ops that draw uniform noise, the start of a dropout mask.
UNIFORM_NOISE = frozenset({"RandomUniform", "StatelessRandomUniformV2"})


def dropout_masks(reader: GraphReader) -> list[tf.Operation]:
    """The keep-masks of the graph's dropouts: ``tf.nn.dropout`` keeps a unit where uniform noise
    is at least the rate, which is the mask op's second input."""
    return [
        op
        for op in reader.graph.get_operations()
        if op.type == "GreaterEqual" and reader.forward(op) and _drawn_from_noise(op.inputs[0].op)
    ]


def _drawn_from_noise(op: tf.Operation, depth: int = 3) -> bool:
    if op.type in UNIFORM_NOISE:
        return True
    return depth > 0 and op.type in ("Add", "AddV2", "Mul") and any(_drawn_from_noise(i.op, depth - 1) for i in op.inputs)


def dropout_layers(masks: list[tf.Operation], rates: list[Any], user: UserCode) -> list[LayerInfo]:
    """One layer per dropout mask, named after its name scope, with the rate it was run at."""
    layers = []
    for mask, rate in zip(masks, rates):
        value = np.asarray(rate, dtype=float)
        if value.size != 1 or not np.isfinite(value).all():
            continue
        origin = user.origin(mask.traceback)
        name = mask.name.rpartition("/")[0] or mask.name
        layers.append(LayerInfo(name=name, kind="Dropout", dropout=float(value.reshape(-1)[0]), source=origin.source if origin else None))
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


@dataclass(frozen=True)
class LossHead:
    """What a TF1 loss is computed from: the model's prediction as the loss reads it, the
    labels, and the loss in Keras's terms (so the same configuration rules apply)."""

    loss: str  # Keras config name: categorical_crossentropy, binary_crossentropy, ...
    prediction: tf.Tensor
    labels: tf.Tensor | None
    from_logits: bool
    activation: str  # what produced the prediction: linear, softmax, sigmoid, relu, ...
    guarded: bool = True  # a hand-written log-loss clips its probabilities or adds an epsilon

    @property
    def task(self) -> str:
        if self.loss == "mean_squared_error":
            labels = shape_of(self.labels) if self.labels is not None else None
            one_hot = labels is not None and len(labels) == 2 and (labels[-1] or 0) > 1
            return "multiclass" if one_hot and self.activation in ("softmax", "sigmoid") else "regression"
        return "binary" if self.loss == "binary_crossentropy" else "multiclass"

    @property
    def classes(self) -> int | None:
        if self.task != "multiclass":
            return 2 if self.task == "binary" else None
        shape = shape_of(self.prediction)
        return shape[-1] if shape else None


#: Cross-entropy ops (inputs: logits, labels) by the Keras loss they compute.
CROSS_ENTROPY_OPS = {
    "SoftmaxCrossEntropyWithLogits": "categorical_crossentropy",
    "SparseSoftmaxCrossEntropyWithLogits": "sparse_categorical_crossentropy",
}
#: Ops a hand-written loss wraps its prediction in before the log (epsilons, clipping).
GUARDS = {"Add", "AddV2", "Maximum", "Minimum", "ClipByValue", "Identity", "Reshape"}


def activation_of(tensor: tf.Tensor) -> str:
    """The activation whose output ``tensor`` is (``linear`` for a weight op, bias or anything else)."""
    return ACTIVATIONS.get(unwrapped(tensor).op.type, "linear")


def loss_head(loss: tf.Tensor, tagged: dict[str, tuple[str, tf.Tensor, tf.Tensor]], limit: int = 500) -> LossHead | None:
    """Read the loss's graph: a cross-entropy op or function (``tagged`` maps the output op of a
    ``tf.nn``/``tf.losses`` call to its loss, logits and labels), a hand-written log-loss
    (``-tf.reduce_sum(y_ * tf.log(y))``), or a squared error. The first found walking back from
    the loss wins, in that order of preference."""
    frontier, seen = [loss.op], set()
    logs, squares = [], []
    while frontier and len(seen) < limit:
        op = frontier.pop(0)
        if op.name in seen:
            continue
        seen.add(op.name)
        if op.name in tagged:
            kind, logits, labels = tagged[op.name]
            return LossHead(kind, unwrapped(logits), labels, True, activation_of(logits))
        if op.type in CROSS_ENTROPY_OPS:
            logits, labels = op.inputs[0], op.inputs[1]
            return LossHead(CROSS_ENTROPY_OPS[op.type], unwrapped(logits), labels, True, activation_of(logits))
        if op.type == "Log":
            logs.append(op)
        elif op.type in ("Square", "SquaredDifference") or (
            op.type == "Pow" and tensor_util.constant_value(op.inputs[1]) == 2
        ):
            squares.append(op)
        frontier.extend(t.op for t in op.inputs if t.op.type not in ("VariableV2", "VarHandleOp"))
    for log in logs:
        head = _log_loss(log)
        if head is not None:
            return head
    if squares:
        square = squares[0]
        operands = list(square.inputs) if square.type == "SquaredDifference" else list(square.inputs[0].op.inputs)
        operands = operands if len(operands) == 2 else []
        if len(operands) == 2:
            prediction, labels = _prediction_and_labels(operands)
            return LossHead("mean_squared_error", prediction, labels, False, activation_of(prediction))
    return None


def _log_loss(log: tf.Operation) -> LossHead | None:
    """A hand-written cross-entropy: the log of the prediction (or of 1 - prediction) times labels."""
    tensor = log.inputs[0]
    guarded = False
    while tensor.op.type in GUARDS and tensor.op.inputs:
        inputs = [t for t in tensor.op.inputs if tensor_util.constant_value(t) is None]
        if len(inputs) != 1:
            break
        guarded = guarded or len(inputs) < len(tensor.op.inputs)  # an epsilon or a clipping bound
        tensor = inputs[0]
    if tensor.op.type == "Sub" and tensor_util.constant_value(tensor.op.inputs[0]) is not None:
        tensor = tensor.op.inputs[1]  # log(1 - p): the binary half of a log-loss
    labels = None
    for consumer in log.outputs[0].consumers():
        if consumer.type == "Mul":
            others = [t for t in consumer.inputs if t.op is not log]
            labels = others[0] if others else None
            break
    activation = activation_of(tensor)
    shape = shape_of(tensor)
    binary = activation == "sigmoid" or (shape is not None and shape[-1] == 1)
    loss = "binary_crossentropy" if binary else "categorical_crossentropy"
    return LossHead(loss, unwrapped(tensor), labels, False, activation, guarded)


def _prediction_and_labels(operands: list[tf.Tensor]) -> tuple[tf.Tensor, tf.Tensor]:
    """Of two operands, the one fed by a placeholder is the labels."""
    first, second = (unwrapped(t) for t in operands)
    if first.op.type == "Placeholder" and second.op.type != "Placeholder":
        return second, first
    return first, second


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
        if shape[0] is not None and shape[1] is None:
            continue  # [classes, batch]: examples as columns, axis 0 is the class axis
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
                "tensor_shape": shape,
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

