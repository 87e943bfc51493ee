"""TF1 sessions: every ``Session.run`` that trains is a step, and every run is watched for
a growing graph.

A training op is what a ``tf.compat.v1.train`` optimizer's ``apply_gradients`` (and so
``minimize``) returns; a ``Session.run`` that fetches one is a training step. On every step
netdoctor fetches the loss and its own accuracy (read from how the loss is computed) along
with the user's fetches; on sampled steps it also reads the kernels before and after the
update, the gradients, the activations and the labels of the fed batch. Before every run it
looks for ops added to the graph, and scans them for arg-max reductions over the batch axis.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import tensorflow as tf

from netdoctor import data as datasets
from netdoctor import metrics as m
from netdoctor.observe.core.batches import BatchRepeats, fingerprint
from netdoctor.observe.core.pairing import Pairing
from netdoctor.observe.core.records import Records, SampleWriter, StepLog
from netdoctor.observe.core.seam import Patches, PatchingObserver
from netdoctor.observe.core.sources import UserCode
from netdoctor.observe.tf import stats
from netdoctor.observe.tf1.graph import (
    GraphLayer,
    GraphReader,
    LossHead,
    batch_axis_reductions,
    describe_layers,
    describe_variables,
    dimension,
    dropout_layers,
    dropout_masks,
    loss_head,
    origins,
    unwrapped,
    variable_names,
)

v1 = tf.compat.v1

#: New ops of one growth whose creation line netdoctor looks up (the rest are only counted).
ORIGINS_PER_GROWTH = 200
#: Examples of the fed inputs kept to describe them.
INPUT_EXAMPLES = 2_000
#: Loss functions built from several ops, tagged when called: name -> (Keras loss, logits, labels).
SIGMOID_LOSSES = {"sigmoid_cross_entropy_with_logits": ("logits", "labels"), "sigmoid_cross_entropy": ("logits", "multi_class_labels")}
PROVIDES = m.WEIGHTS | m.GRADIENTS | m.ACTIVATIONS | {m.UPDATE_COSINE, m.LOSS, m.GRAPH_OPS, m.BATCH_CLASSES}


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
    runs: int = 0  # Session.runs since training started
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

    def __init__(
        self, train: TrainOp, layers: list[GraphLayer], names: dict[str, str], head: LossHead | None, seed: int
    ) -> None:
        trained = {v.op.name for _, v in train.grads_and_vars}
        layers = [layer for layer in layers if layer.variable.op.name in trained]
        self.head = head
        self.every: dict[str, tf.Tensor] = {}
        if train.loss is not None:
            self.every[m.LOSS] = tf.reduce_mean(tf.cast(train.loss, tf.float32))
            if head is not None and head.task != "regression":
                self.every[m.ACCURACY] = _accuracy(head)
        kernels = stats.KernelStatistics({layer.info.name: layer.variable for layer in layers}, seed)
        measured, values = kernels.before()
        self.before: dict[str, Any] = {m.SAMPLE_LAYERS: measured, "values": values, m.SAMPLE_VARIABLES: {}}
        self.during: dict[str, Any] = {m.SAMPLE_LAYERS: {}, m.SAMPLE_VARIABLES: {}, "gradients": {}}
        self.snapshots = {
            layer.info.name: v1.placeholder(tf.float32, layer.info.kernel_shape) for layer in layers
        }
        self.gradients: dict[str, tf.Tensor] = {}  # fed back with the gradients of a sampled step
        layer_of = {layer.variable.op.name: layer.info.name for layer in layers}
        for layer in layers:
            self.during[m.SAMPLE_LAYERS][layer.info.name] = _activation_stats(layer)
        for gradient, variable in train.grads_and_vars:
            name = names[variable.op.name]
            self.before[m.SAMPLE_VARIABLES][name] = {m.NONFINITE_VALUE: stats.any_nonfinite(variable)}
            if gradient is None:
                continue
            measured_gradient = stats.gradient_stats(gradient, variable)
            measured_gradient.pop(m.NONFINITE_VALUE)
            self.during[m.SAMPLE_VARIABLES][name] = measured_gradient
            layer = layer_of.get(variable.op.name)
            if layer is not None:
                self.during[m.SAMPLE_LAYERS][layer][m.GRAD_NORM] = measured_gradient[m.GRAD_NORM]
                self.during["gradients"][layer] = tf.cast(stats.dense_gradient(gradient), tf.float32)
                self.gradients[layer] = v1.placeholder(tf.float32, self.snapshots[layer].shape)
        self.after = kernels.after(self.snapshots, self.gradients)
        self.labels = _distinct_labels(head) if head is not None and head.task != "regression" else None
        if self.labels is not None:
            self.during[m.BATCH_CLASSES] = self.labels


def _class_of(tensor: tf.Tensor, sparse: bool) -> tf.Tensor:
    return tf.cast(tf.reshape(tensor, [-1]), tf.int64) if sparse else tf.argmax(tensor, axis=-1)


def _accuracy(head: LossHead) -> tf.Tensor:
    prediction, labels = head.prediction, head.labels
    if labels is None or (labels.shape.rank is not None and prediction.shape.rank is not None and labels.shape.rank > prediction.shape.rank):
        return tf.constant(math.nan)
    if head.task == "binary":
        threshold = 0.0 if head.from_logits else 0.5
        predicted = tf.reshape(prediction, [-1]) > threshold
        truth = tf.reshape(tf.cast(labels, tf.float32), [-1]) > 0.5
        return tf.reduce_mean(tf.cast(tf.equal(predicted, truth), tf.float32))
    sparse = head.loss == "sparse_categorical_crossentropy"
    predicted = tf.argmax(prediction, axis=-1)
    return tf.reduce_mean(tf.cast(tf.equal(predicted, _class_of(labels, sparse)), tf.float32))


def _distinct_labels(head: LossHead) -> tf.Tensor | None:
    """How many classes the fed batch's labels hold."""
    if head.labels is None:
        return None
    if head.task == "binary":
        labels = tf.cast(tf.reshape(head.labels, [-1]) > 0.5, tf.int64)
    else:
        labels = _class_of(head.labels, head.loss == "sparse_categorical_crossentropy")
    return tf.size(tf.unique(labels).y)


def _activation_stats(layer: GraphLayer) -> dict[str, tf.Tensor]:
    if layer.activation_op is None:
        return {}
    return stats.activation_stats(layer.activation_op.outputs[0], layer.info.activation)


class SessionWatch(PatchingObserver):
    """Patches TF1 optimizers, loss functions and ``Session.run`` to observe every training step."""

    provides = PROVIDES

    def __init__(
        self, records: Records, steps: StepLog, samples: SampleWriter, user: UserCode, seed: int,
        pairing: Pairing | None = None,
    ) -> None:  # fmt: skip
        self.pairing = pairing
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
        self._tagged: dict[str, tuple[str, tf.Tensor, tf.Tensor]] = {}
        self._inputs: list[np.ndarray] = []
        self._label_counts: Counter = Counter()
        self.batches = BatchRepeats()
        self._run: Callable[..., Any] | None = None  # the original Session.run

    def patch(self, patches: Patches) -> None:
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
                watch._other_run(session.graph)
                result = run(session, fetches, feed_dict, options, run_metadata)
                watch._evaluated(session, feed_dict)
                return result
            return watch._training_step(session, train, fetches, feed_dict, options, run_metadata)

        patches.setattr(Optimizer, "compute_gradients", watched_compute_gradients)
        patches.setattr(Optimizer, "apply_gradients", watched_apply_gradients)
        patches.setattr(BaseSession, "run", watched_run)
        for module in {id(tf.nn): tf.nn, id(v1.nn): v1.nn, id(v1.losses): v1.losses}.values():
            for name, (logits, labels) in SIGMOID_LOSSES.items():
                if hasattr(module, name):
                    patches.setattr(module, name, self._tagging(getattr(module, name), logits, labels))

    def finish(self) -> None:
        """Scan ops built after the last run for batch-axis reductions; describe the fed data."""
        for state in self._graphs.values():
            self._scan(state, state.new_ops())
        facts: dict[str, Any] = {}
        if self._inputs:
            inputs = np.concatenate(self._inputs)
            facts[m.INPUT_STATS] = datasets.describe(inputs)
            facts[m.INPUT_SHAPE] = list(inputs.shape[1:])
        batches = self.batches.facts()
        if batches is not None:
            facts[m.SAMPLED_BATCHES] = batches
        if self._label_counts and m.CLASS_FRACTIONS not in self.records.meta_fields:
            total = sum(self._label_counts.values())
            classes = max(self._label_counts) + 1
            facts[m.CLASS_FRACTIONS] = [self._label_counts[c] / total for c in range(classes)]
        if facts:
            self.records.write("meta", **facts)

    def _tagging(self, function: Callable[..., Any], logits: str, labels: str) -> Callable[..., Any]:
        """``function`` (a sigmoid cross-entropy), remembering which logits and labels made its output."""
        watch = self

        def tagged(*args, **kwargs):
            result = function(*args, **kwargs)
            if not tf.executing_eagerly() and isinstance(result, tf.Tensor):
                given = {logits: kwargs.get(logits), labels: kwargs.get(labels)}
                if given[logits] is not None and given[labels] is not None:
                    watch._tagged[result.op.name] = ("binary_crossentropy", given[logits], given[labels])
            return result

        return tagged

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

    # ---- runs ----------------------------------------------------------------------------------
    def _other_run(self, graph: tf.Graph) -> None:
        """A run that does not train (an evaluation, a summary): still watched for new ops."""
        state = self._graphs.get(id(graph))
        if state is not None and state.started:
            self._watch_growth(state, self.steps.steps)

    def _training_step(self, session, train: TrainOp, fetches, feed_dict, options, run_metadata):
        self.steps.start()
        step = self.steps.steps
        state = self._state(session.graph)
        self._watch_growth(state, step)
        state.started = True
        probe = self._probes.get(train.op) or self._build_probe(state, train, feed_dict, session)
        sampled = self.steps.sampling
        before = self._run(session, probe.before) if sampled else None
        extra = {"every": probe.every, "during": probe.during if sampled else {}}
        result, measured = self._run(session, (fetches, extra), feed_dict, options, run_metadata)
        loss, accuracy = measured["every"].get(m.LOSS), measured["every"].get(m.ACCURACY)
        if before is not None:
            during = measured["during"]
            feeds = {probe.snapshots[name]: value for name, value in before["values"].items()}
            feeds.update({probe.gradients[name]: value for name, value in during["gradients"].items()})
            after = self._run(session, probe.after, feeds)
            layers = {
                name: {**before[m.SAMPLE_LAYERS][name], **during[m.SAMPLE_LAYERS].get(name, {}), **after[name]}
                for name in before[m.SAMPLE_LAYERS]
            }
            variables = {
                name: {**entry, **during[m.SAMPLE_VARIABLES].get(name, {})}
                for name, entry in before[m.SAMPLE_VARIABLES].items()
            }
            self.samples.write(
                step,
                loss,
                layers,
                variables,
                **{m.GRAPH_OPS: state.user_op_count, m.BATCH_CLASSES: during.get(m.BATCH_CLASSES)},
            )
            self._note_feeds(probe, feed_dict)
        if self.pairing is not None and self.pairing.wanted:
            self._pair_feeds(probe, feed_dict)
        self.steps.done(loss, accuracy)
        return result

    def _pair_feeds(self, probe: Probe, feed_dict: Any) -> None:
        """Hand the step's fed inputs and labels to the pairing check."""
        labels = probe.head.labels if probe.head is not None else None
        if labels is None:
            return
        fed = [(_as_tensor(key), value) for key, value in (feed_dict or {}).items()]
        given = next((value for tensor, value in fed if tensor is not None and tensor is unwrapped(labels)), None)
        if given is None or np.ndim(given) < 1:
            return
        for tensor, value in fed:
            if tensor is not None and tensor is not unwrapped(labels) and np.ndim(value) >= 2 and len(value) == len(given):
                self.pairing.check(value, given)
                return

    def _note_feeds(self, probe: Probe, feed_dict: Any) -> None:
        """Keep some of the fed inputs and the fingerprint of the first, and count the fed
        labels (sampled steps only)."""
        labels = probe.head.labels if probe.head is not None else None
        fingerprinted = False
        for key, value in (feed_dict or {}).items():
            tensor = _as_tensor(key)
            if tensor is None or np.ndim(value) < 1:
                continue
            if labels is not None and tensor is unwrapped(labels):
                array = np.asarray(value)
                classes = array.argmax(axis=-1) if array.ndim == 2 and array.shape[1] > 1 else array.reshape(-1)
                if np.issubdtype(classes.dtype, np.number) and np.all(classes == np.round(classes)):
                    self._label_counts.update(classes.astype(int).tolist())
            elif np.issubdtype(np.asarray(value).dtype, np.floating):
                if not fingerprinted:
                    self.batches.see(fingerprint(value))
                    fingerprinted = True
                if sum(len(a) for a in self._inputs) < INPUT_EXAMPLES:
                    # a copy: a view would keep the program's whole epoch array alive
                    self._inputs.append(np.array(value, dtype=np.float32).reshape(len(value), -1))

    def _evaluated(self, session: Any, feed_dict: Any) -> None:
        """A run that does not train, fed the served held-out inputs: the model's predictions
        there give the held-out accuracy."""
        if self.pairing is None or not feed_dict:
            return
        heads = [p.head for p in self._probes.values() if p.head is not None and p.head.prediction.graph is session.graph]
        if not heads:
            return
        labels = unwrapped(heads[0].labels) if heads[0].labels is not None else None
        for key, value in feed_dict.items():
            tensor = _as_tensor(key)
            if tensor is None or np.ndim(value) < 2 or tensor is labels:
                continue
            held_out = self.pairing.held_out_labels(value)
            if held_out is not None:
                self.pairing.score(held_out, self._run(session, heads[0].prediction, feed_dict))
                return

    def _watch_growth(self, state: GraphState, step: int) -> None:
        """Report the ops added to the graph since the last run; the first training step sets
        the baseline."""
        new = state.new_ops()
        self._scan(state, new)
        if state.started:
            state.runs += 1
        if new and state.started:
            sources, types = origins(new[:ORIGINS_PER_GROWTH], self.user)
            self.records.write(
                "event",
                kind=m.GRAPH_GROWTH,
                step=step,
                run=state.runs,
                added=len(new),
                ops=state.user_op_count,
                sources=sources,
                op_types=types,
            )

    def _scan(self, state: GraphState, ops: list[tf.Operation]) -> None:
        for found in batch_axis_reductions(state.reader, ops, self.user):
            key = (found.get("source"), found["input"])
            if key not in state.reported:
                state.reported.add(key)
                self.records.write("event", kind=m.BATCH_AXIS_REDUCTION, **found)

    def _trained(self, graph: tf.Graph) -> list[tuple[Any, Any]]:
        """(gradient, variable) of every variable a training op of ``graph`` updates, in order."""
        pairs = [p for t in self._train_ops.values() if t.op.graph is graph for p in t.grads_and_vars]
        return list({v.op.name: (g, v) for g, v in pairs}.values())

    def _build_probe(self, state: GraphState, train: TrainOp, feed_dict, session) -> Probe:
        graph = state.graph
        trained = self._trained(graph)
        state.names = variable_names([v for _, v in trained], self.user)
        state.layers = describe_layers(state.reader, [v for _, v in trained], state.names, self.user)
        head = loss_head(train.loss, self._tagged) if train.loss is not None else None
        finalized = graph.finalized
        if finalized:
            graph._unsafe_unfinalize()  # netdoctor's ops are built once, at the first step
        count = len(graph.get_operations())
        with graph.as_default(), tf.name_scope("netdoctor"):
            probe = Probe(train, state.layers, state.names, head, self.seed)
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
        masks = dropout_masks(state.reader)
        rates = self._run(session, [mask.inputs[1] for mask in masks], feed_dict) if masks else []
        self._describe(state, train, trained, head, feed_dict, dropout_layers(masks, rates, self.user))
        return probe

    def _describe(
        self, state: GraphState, train: TrainOp, trained: list, head: LossHead | None, feed_dict, dropouts: list
    ) -> None:
        layers = [layer.info for layer in state.layers]
        kernels = [layer for layer in layers if layer.kernel_shape and len(layer.kernel_shape) >= 2]
        parameters = sum(int(np.prod(shape)) for shape in (_shape(v) for _, v in trained) if shape is not None)
        shapes = ", ".join("x".join(str(d) for d in layer.kernel_shape) for layer in kernels)
        facts: dict[str, Any] = {
            m.LOOP: "session",
            m.MODEL: f"TF1 graph: {len(kernels)} trained kernels ({shapes}), {parameters:,} trained parameters",
            m.LAYERS: [asdict(layer) for layer in [*layers, *dropouts]],
            m.WIRING: "graph",
            m.VARIABLES: describe_variables(state.reader, state.layers, trained, state.names),
            m.OPTIMIZER: _optimizer_description(train.optimizer),
            m.OPTIMIZER_KIND: type(train.optimizer).__name__,
            m.LEARNING_RATE: _learning_rate(train.optimizer),
        }
        momentum = getattr(train.optimizer, "_momentum", None)
        if type(train.optimizer).__name__ == "MomentumOptimizer" and isinstance(momentum, (int, float)) and momentum > 0:
            facts[m.MOMENTUM] = float(momentum)
        betas = (getattr(train.optimizer, "_beta1", None), getattr(train.optimizer, "_beta2", None))
        if type(train.optimizer).__name__ == "AdamOptimizer" and all(isinstance(beta, (int, float)) for beta in betas):
            facts[m.ADAM_BETAS] = [float(beta) for beta in betas]
        if head is not None:
            facts.update(
                {
                    m.LOSS_NAME: head.loss,
                    m.FROM_LOGITS: head.from_logits,
                    m.TASK: head.task,
                    m.NUM_CLASSES: head.classes,
                    m.OUTPUT_ACTIVATION: head.activation,
                    m.UNGUARDED_LOG: not head.guarded,
                }
            )
        batch = _batch_size(feed_dict)
        if batch:
            facts[m.BATCH_SIZE] = batch
        self.records.observed(self.provides | ({m.ACCURACY} if head is not None and head.task != "regression" else set()))
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


def _as_tensor(key: Any) -> tf.Tensor | None:
    return key if isinstance(key, tf.Tensor) else None


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
