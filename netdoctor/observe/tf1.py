"""TF1 programs: spot the TF1 API, serve ``tf.compat.v1`` for it, and instrument sessions.

A training op is what a ``tf.compat.v1.train`` optimizer's ``apply_gradients`` (and so
``minimize``) returns; a ``Session.run`` that fetches one is a training step. On every step
netdoctor fetches the loss and, for a softmax cross-entropy, its own accuracy along with the
user's fetches; on sampled steps it also reads the kernels before and after the update and the
gradient norms and activations of the fed batch. Between steps it watches the graph for new ops
and scans them for arg-max reductions over the batch axis.
"""

from __future__ import annotations

import ast
import math
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import tensorflow as tf

from netdoctor.observe import stats
from netdoctor.observe.samples import Records, SampleWriter, StepLog
from netdoctor.observe.sources import UserCode
from netdoctor.observe.tf1_graph import (
    GraphLayer,
    GraphReader,
    batch_axis_reductions,
    classification_head,
    describe_layers,
    describe_variables,
    dimension,
    origins,
    unwrapped,
    variable_names,
)

v1 = tf.compat.v1

#: New ops of one growth whose creation line netdoctor looks up (the rest are only counted).
ORIGINS_PER_GROWTH = 200


# ---- the TF1 API in a script ----------------------------------------------------------------
def tf1_names(tree: ast.AST) -> list[str]:
    """Names the script uses on ``import tensorflow (as tf)`` that exist only in ``tf.compat.v1``:
    ``tf.placeholder``, ``tf.Session``, ``tf.train.GradientDescentOptimizer``, ..."""
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "tensorflow"
    }
    found: dict[str, tuple[int, int]] = {}
    for node in ast.walk(tree):
        path = _attribute_path(node)
        if path and path[0] in aliases and len(path) > 1:
            name = ".".join(["tf", *path[1:]])
            if name not in found and not _resolves(tf, path[1:]) and _resolves(v1, path[1:]):
                found[name] = (node.lineno, node.col_offset)
    return sorted(found, key=found.__getitem__)


def serve_compat_v1(tree: ast.Module) -> ast.Module:
    """Turn ``import tensorflow as tf`` into ``import tensorflow.compat.v1 as tf`` (lines kept)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "tensorflow":
                    alias.asname = alias.asname or "tensorflow"
                    alias.name = "tensorflow.compat.v1"
    return tree


def _attribute_path(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or not parts:
        return None
    return [node.id, *reversed(parts)]


def _resolves(module: Any, path: list[str]) -> bool:
    value = module
    for name in path:
        try:
            value = getattr(value, name)
        except Exception:  # noqa: BLE001  (AttributeError, or a lazy import that fails)
            return False
    return True


# ---- what netdoctor tracks per training op and per graph ------------------------------------
@dataclass
class TrainOp:
    """A training op and what built it."""

    op: tf.Operation
    optimizer: Any
    loss: tf.Tensor | None
    grads_and_vars: list[tuple[Any, Any]]


@dataclass
class GraphState:
    """One graph that trains: its op count, netdoctor's own ops, and what was reported."""

    graph: tf.Graph
    excluded: set[str] = field(default_factory=set)  # netdoctor's ops and the optimizer's
    own: set[str] = field(default_factory=set)  # netdoctor's ops
    seen: int = 0  # ops looked at so far
    version: int = -1
    started: bool = False  # a training step has run
    reported: set[tuple[str | None, str]] = field(default_factory=set)
    layers: list[GraphLayer] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # variable op name -> name in records

    @property
    def reader(self) -> GraphReader:
        return GraphReader(self.graph, self.excluded)

    def new_ops(self) -> list[tf.Operation]:
        """The user's ops added since the last look."""
        if self.graph.version == self.version:
            return []
        ops = self.graph.get_operations()
        new = [op for op in ops[self.seen :] if op.name not in self.own]
        self.seen, self.version = len(ops), self.graph.version
        return new

    @property
    def user_op_count(self) -> int:
        return self.seen - len(self.own)


class Probe:
    """netdoctor's fetches for one training op, built once, in its graph, under ``netdoctor/``."""

    def __init__(self, train: TrainOp, layers: list[GraphLayer], names: dict[str, str], seed: int) -> None:
        rng = np.random.default_rng(seed)
        trained = {v.op.name for _, v in train.grads_and_vars}
        layers = [layer for layer in layers if layer.variable.op.name in trained]
        self.every: dict[str, tf.Tensor] = {}
        if train.loss is not None:
            self.every["loss"] = tf.reduce_mean(tf.cast(train.loss, tf.float32))
            head = classification_head(train.loss)
            if head is not None:
                self.every["accuracy"] = _accuracy(head)
        self.before: dict[str, Any] = {"layers": {}, "values": {}, "variables": {}}
        self.during: dict[str, Any] = {"layers": {}, "variables": {}}
        self.snapshots: dict[str, tf.Tensor] = {}
        self.after: dict[str, Any] = {}
        for layer in layers:
            name, kernel = layer.info.name, layer.variable
            fan_in = int(np.prod(layer.info.kernel_shape[:-1]))
            directions = rng.standard_normal((stats.SIGNATURE_DIRECTIONS, fan_in))
            self.before["layers"][name] = {
                **stats.kernel_stats(kernel),
                "signature": stats.unit_signatures(kernel, tf.constant(directions, tf.float32)),
            }
            self.before["values"][name] = kernel
            self.snapshots[name] = v1.placeholder(tf.float32, layer.info.kernel_shape)
            self.after[name] = stats.update_stats(self.snapshots[name], kernel)
            self.during["layers"][name] = _activation_stats(layer)
        for gradient, variable in train.grads_and_vars:
            name = names[variable.op.name]
            self.before["variables"][name] = {"nonfinite_value": stats.any_nonfinite(variable)}
            if gradient is None:
                continue
            values = gradient.values if isinstance(gradient, tf.IndexedSlices) else gradient
            self.during["variables"][name] = {
                "grad_norm": tf.norm(tf.cast(values, tf.float32)),
                "nonfinite_grad": stats.any_nonfinite(values),
            }
        kernels = {names[layer.variable.op.name]: layer.info.name for layer in layers}
        for name, entry in self.during["variables"].items():
            if name in kernels:
                self.during["layers"][kernels[name]]["grad_norm"] = entry["grad_norm"]


def _accuracy(head: tf.Operation) -> tf.Tensor:
    logits, labels = unwrapped(head.inputs[0]), unwrapped(head.inputs[1])
    predicted = tf.argmax(logits, axis=-1)
    if head.type == "SoftmaxCrossEntropyWithLogits":
        truth = tf.argmax(labels, axis=-1)
    else:
        truth = tf.cast(labels, tf.int64)
    return tf.reduce_mean(tf.cast(tf.equal(predicted, truth), tf.float32))


def _activation_stats(layer: GraphLayer) -> dict[str, tf.Tensor]:
    if layer.activation_op is None:
        return {}
    return stats.activation_stats(layer.activation_op.outputs[0], layer.info.activation)


# ---- the instrumentation ----------------------------------------------------------------------
class SessionWatch:
    """Patches TF1 optimizers and ``Session.run`` to observe every training step."""

    def __init__(
        self, records: Records, steps: StepLog, samples: SampleWriter, user: UserCode, seed: int
    ) -> None:
        self.records = records
        self.steps = steps
        self.samples = samples
        self.user = user
        self.seed = seed
        self._graphs: dict[int, GraphState] = {}
        self._train_ops: dict[tf.Operation, TrainOp] = {}
        self._probes: dict[tf.Operation, Probe] = {}
        self._fetched: dict[tf.Operation, TrainOp | None] = {}
        self._losses: dict[int, tf.Tensor] = {}
        self._run: Callable[..., Any] | None = None  # the original Session.run

    def install(self) -> None:
        from tensorflow.python.client.session import BaseSession
        from tensorflow.python.training.optimizer import Optimizer

        compute_gradients, apply_gradients = Optimizer.compute_gradients, Optimizer.apply_gradients
        self._run = run = BaseSession.run
        watch = self

        def watched_compute_gradients(optimizer, loss, *args, **kwargs):
            if tf.executing_eagerly() or callable(loss):
                return compute_gradients(optimizer, loss, *args, **kwargs)
            with watch._machinery(loss.graph):
                result = compute_gradients(optimizer, loss, *args, **kwargs)
            watch._losses[id(optimizer)] = loss
            return result

        def watched_apply_gradients(optimizer, grads_and_vars, *args, **kwargs):
            if tf.executing_eagerly():
                return apply_gradients(optimizer, grads_and_vars, *args, **kwargs)
            grads_and_vars = list(grads_and_vars)
            with watch._machinery(v1.get_default_graph()):
                op = apply_gradients(optimizer, grads_and_vars, *args, **kwargs)
            loss = watch._losses.get(id(optimizer))
            watch._train_ops[op] = TrainOp(op, optimizer, loss, grads_and_vars)
            return op

        def watched_run(session, fetches, feed_dict=None, options=None, run_metadata=None):
            train = watch._training_op(fetches, session.graph) if watch._train_ops else None
            if train is None:
                return run(session, fetches, feed_dict, options, run_metadata)
            return watch._training_step(session, train, fetches, feed_dict, options, run_metadata)

        Optimizer.compute_gradients = watched_compute_gradients
        Optimizer.apply_gradients = watched_apply_gradients
        BaseSession.run = watched_run

    def finish(self) -> None:
        """Scan ops built after the last step (an evaluation) for batch-axis reductions."""
        for state in self._graphs.values():
            self._scan(state, state.new_ops())

    # ---- finding training steps -------------------------------------------------------------
    @contextmanager
    def _machinery(self, graph: tf.Graph) -> Iterator[None]:
        """The ops built inside are the optimizer's (gradients, updates), not the model's."""
        count = len(graph.get_operations())
        yield
        self._state(graph).excluded.update(op.name for op in graph.get_operations()[count:])

    def _training_op(self, fetches: Any, graph: tf.Graph) -> TrainOp | None:
        try:
            leaves = tf.nest.flatten(fetches)
        except (TypeError, ValueError):
            leaves = [fetches]
        for leaf in leaves:
            op = _as_op(leaf, graph)
            if op is None:
                continue
            if op not in self._fetched:
                self._fetched[op] = self._train_op_behind(op, depth=2)
            if self._fetched[op] is not None:
                return self._fetched[op]
        return None

    def _train_op_behind(self, op: tf.Operation, depth: int) -> TrainOp | None:
        """The training op ``op`` is, or runs through control dependencies (``tf.group``)."""
        if op in self._train_ops:
            return self._train_ops[op]
        if depth == 0:
            return None
        return next(
            (t for t in (self._train_op_behind(c, depth - 1) for c in op.control_inputs) if t), None
        )

    def _state(self, graph: tf.Graph) -> GraphState:
        if id(graph) not in self._graphs:
            self._graphs[id(graph)] = GraphState(graph)
        return self._graphs[id(graph)]

    # ---- one training step --------------------------------------------------------------------
    def _training_step(self, session, train: TrainOp, fetches, feed_dict, options, run_metadata):
        self.steps.start()
        step = self.steps.steps
        state = self._state(session.graph)
        self._watch_growth(state, step)
        probe = self._probes.get(train.op) or self._build_probe(state, train, feed_dict)
        sampled = self.steps.sampling
        before = self._run(session, probe.before) if sampled else None
        extra = {"every": probe.every, "during": probe.during if sampled else {}}
        result, measured = self._run(session, (fetches, extra), feed_dict, options, run_metadata)
        loss, accuracy = measured["every"].get("loss"), measured["every"].get("accuracy")
        if before is not None:
            feeds = {probe.snapshots[name]: value for name, value in before["values"].items()}
            after = self._run(session, probe.after, feeds)
            layers = {
                name: {**before["layers"][name], **measured["during"]["layers"].get(name, {}), **after[name]}
                for name in before["layers"]
            }
            variables = {
                name: {**entry, **measured["during"]["variables"].get(name, {})}
                for name, entry in before["variables"].items()
            }
            self.samples.write(step, loss, layers, variables, graph_ops=state.user_op_count)
        self.steps.done(loss, accuracy)
        return result

    def _watch_growth(self, state: GraphState, step: int) -> None:
        """Report the ops added to the graph since the last step; the first step sets the baseline."""
        new = state.new_ops()
        self._scan(state, new)
        if new and state.started:
            sources, types = origins(new[:ORIGINS_PER_GROWTH], self.user)
            self.records.write(
                "event",
                kind="graph_growth",
                step=step,
                added=len(new),
                ops=state.user_op_count,
                sources=sources,
                op_types=types,
            )
        state.started = True

    def _scan(self, state: GraphState, ops: list[tf.Operation]) -> None:
        for found in batch_axis_reductions(state.reader, ops, self.user):
            key = (found.get("source"), found["input"])
            if key not in state.reported:
                state.reported.add(key)
                self.records.write("event", kind="batch_axis_reduction", **found)

    def _trained(self, graph: tf.Graph) -> list[tuple[Any, Any]]:
        """(gradient, variable) of every variable a training op of ``graph`` updates, in order."""
        pairs = [p for t in self._train_ops.values() if t.op.graph is graph for p in t.grads_and_vars]
        return list({v.op.name: (g, v) for g, v in pairs}.values())

    def _build_probe(self, state: GraphState, train: TrainOp, feed_dict) -> Probe:
        graph = state.graph
        trained = self._trained(graph)
        state.names = variable_names([v for _, v in trained], self.user)
        state.layers = describe_layers(state.reader, [v for _, v in trained], state.names, self.user)
        finalized = graph.finalized
        if finalized:
            graph._unsafe_unfinalize()  # netdoctor's ops are built once, at the first step
        count = len(graph.get_operations())
        with graph.as_default(), tf.name_scope("netdoctor"):
            probe = Probe(train, state.layers, state.names, self.seed)
        built = graph.get_operations()[count:]
        state.own.update(op.name for op in built)
        state.excluded.update(op.name for op in built)
        state.seen += len(built)
        state.version = graph.version
        if finalized:
            graph.finalize()
        self._probes[train.op] = probe
        self.samples.variable_layers.update(
            {state.names[layer.variable.op.name]: layer.info.name for layer in state.layers}
        )
        self._describe(state, train, trained, feed_dict)
        return probe

    def _describe(self, state: GraphState, train: TrainOp, trained: list, feed_dict) -> None:
        layers = [layer.info for layer in state.layers]
        parameters = sum(int(np.prod(shape)) for shape in (_shape(v) for _, v in trained) if shape)
        shapes = ", ".join("x".join(str(d) for d in layer.kernel_shape) for layer in layers)
        facts: dict[str, Any] = {
            "model": f"TF1 graph: {len(layers)} trained kernels ({shapes}), "
            f"{parameters:,} trained parameters",
            "layers": [asdict(layer) for layer in layers],
            "variables": describe_variables(state.reader, state.layers, trained, state.names),
            "optimizer": _optimizer_description(train.optimizer),
            "learning_rate": _learning_rate(train.optimizer),
        }
        head = classification_head(train.loss) if train.loss is not None else None
        if head is not None:
            facts.update(
                loss=_snake(head.type),
                from_logits=True,
                task="multiclass",
                num_classes=dimension(unwrapped(head.inputs[0]).shape[-1]),
                output_activation="linear",
            )
        batch = _batch_size(feed_dict)
        if batch:
            facts["batch_size"] = batch
        self.records.write("meta", **facts)


def _as_op(leaf: Any, graph: tf.Graph) -> tf.Operation | None:
    if isinstance(leaf, tf.Operation):
        return leaf
    if isinstance(leaf, str):
        try:
            leaf = graph.as_graph_element(leaf)
        except (KeyError, ValueError, TypeError):
            return None
    op = getattr(leaf, "op", None)
    return op if isinstance(op, tf.Operation) else None


def _shape(variable: Any) -> list[int] | None:
    dims = [dimension(d) for d in variable.shape] if variable.shape.rank is not None else None
    return None if dims is None or None in dims else dims


def _batch_size(feed_dict: Any) -> int | None:
    """The most common leading size of the fed arrays."""
    sizes = Counter(np.shape(v)[0] for v in (feed_dict or {}).values() if np.ndim(v) >= 1)
    return int(sizes.most_common(1)[0][0]) if sizes else None


def _learning_rate(optimizer: Any) -> float | None:
    for attribute in ("_learning_rate", "_lr"):
        value = getattr(optimizer, attribute, None)
        if isinstance(value, (int, float)) and math.isfinite(value):
            return float(value)
    return None


def _optimizer_description(optimizer: Any) -> str:
    rate = _learning_rate(optimizer)
    name = type(optimizer).__name__
    return f"{name}(learning_rate={rate:g})" if rate is not None else name


def _snake(name: str) -> str:
    """SoftmaxCrossEntropyWithLogits -> softmax_cross_entropy_with_logits."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
