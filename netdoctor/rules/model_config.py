"""ND5xx: configuration. An output, loss and labels that do not fit together, and layers that add
nothing. Read from the model and data facts recorded before training starts."""

from __future__ import annotations

import math
from collections.abc import Iterator

from netdoctor import metrics as m
from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import LayerInfo, Recording
from netdoctor.rules import symptoms
from netdoctor.rules.registry import RuleContext, rule

#: Cross-entropy losses (Keras config names), and whether each compares one distribution over
#: all classes (categorical) rather than one probability per output (binary).
CROSS_ENTROPY = {
    "sparse_categorical_crossentropy": True,
    "categorical_crossentropy": True,
    "categorical_focal_crossentropy": True,
    "binary_crossentropy": False,
    "binary_focal_crossentropy": False,
}
#: Output activations a cross-entropy can read: logits (linear, or log_softmax, whose softmax is
#: the softmax of its input) or probabilities.
READABLE_BY_CROSS_ENTROPY = {"linear", "log_softmax", "softmax", "sigmoid", "hard_sigmoid"}
#: What each bounded activation can output.
BOUNDS = {
    "sigmoid": (0.0, 1.0),
    "hard_sigmoid": (0.0, 1.0),
    "softmax": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "relu": (0.0, math.inf),
    "relu6": (0.0, 6.0),
    "softplus": (0.0, math.inf),
    "elu": (-1.0, math.inf),
}
#: Layers that are linear maps of their input.
LINEAR_MAPS = {
    "Dense", "EinsumDense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
    "Conv3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
}
#: Weightless layers that keep a linear map linear (BatchNormalization is affine at inference).
LINEAR_PASS = {
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
    "GaussianDropout", "AlphaDropout", "Flatten", "Reshape", "Permute", "RepeatVector",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D",
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "GlobalAveragePooling1D",
    "GlobalAveragePooling2D", "GlobalAveragePooling3D", "BatchNormalization", "Identity",
}


def _loss_class(loss: str) -> str:
    """'sparse_categorical_crossentropy' -> 'SparseCategoricalCrossentropy'."""
    return "".join(word.capitalize() for word in loss.split("_"))


def _graph_known(rec: Recording) -> bool:
    """Whether the layers' ``inbound`` comes from a Keras graph (the observer's ``wiring``;
    recordings without it: whether there is an InputLayer). A subclassed model's wiring is only
    guessed from its layer order, and its ``call`` may apply activations the layer list does
    not show."""
    if m.WIRING in rec.meta:
        return rec.meta[m.WIRING] == "graph"
    return any(layer.kind == "InputLayer" for layer in rec.layers)


def _passes_linearly(layer: LayerInfo) -> bool:
    return layer.kind in LINEAR_PASS or (layer.kind == "Activation" and layer.activation == "linear")


def _output_layer(rec: Recording) -> LayerInfo | None:
    """The last layer whose output no other layer reads: the model's output."""
    consumed = {name for layer in rec.layers for name in layer.inbound}
    ends = [layer for layer in rec.layers if layer.kind != "InputLayer" and layer.name not in consumed]
    return ends[-1] if ends else None


def _producer(rec: Recording, layer: LayerInfo | None) -> LayerInfo | None:
    """``layer``, or the layer before it that sets the number of units (a Softmax layer's Dense)."""
    while layer is not None and layer.units is None and len(layer.inbound) == 1:
        layer = rec.layer(layer.inbound[0])
    return layer


def _named(layer: LayerInfo | None) -> str:
    return f"the output layer `{layer.name}`" if layer else "the output layer"


@rule(
    "ND501",
    "double-softmax",
    Severity.ERROR,
    "Probabilities go through softmax again: a second softmax layer, or a from_logits=True loss.",
    requires={m.LOSS_NAME, m.OUTPUT_ACTIVATION},
)
def double_softmax(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag softmax applied to values that already are softmax (or sigmoid) probabilities.

    **What it checks.** Two things: a weightless softmax layer (``Softmax()``,
    ``Activation("softmax")``) whose input, through weightless linear layers such as
    ``Dropout``, is already a softmax (models with a Keras graph only); and a softmax or
    sigmoid output fed to a cross-entropy created with ``from_logits=True``.

    **Why it matters.** Softmax over probabilities in [0, 1] squashes them towards uniform: with
    C classes no class can get more than e / (e + C - 1) (0.23 for 10 classes), so the loss can
    never fall below -ln of that and the gradients are feeble; this is an error. A softmax output
    with ``from_logits=True`` asks the loss to apply softmax a second time. Keras 3 notices,
    warns and uses the values before the softmax instead, so such a model trains correctly
    here; that finding is a warning, because the configuration is still certainly wrong: under
    tf.keras 2 (TensorFlow < 2.16), in other frameworks, and in any code that reads the
    model's outputs as logits, it is the double softmax above.

    **Example.** ``Dense(10, activation="softmax")`` compiled with
    ``SparseCategoricalCrossentropy(from_logits=True)``.

    **Fix.** Apply softmax once: keep the softmax output and ``from_logits=False`` (the
    default), or make the last layer linear (``Dense(10)``) and keep ``from_logits=True``.
    """
    if _graph_known(rec):
        for layer in rec.layers:
            if layer.has_kernel or layer.activation != "softmax" or len(layer.inbound) != 1:
                continue
            before = rec.layer(layer.inbound[0])
            while before is not None and _passes_linearly(before) and len(before.inbound) == 1:
                before = rec.layer(before.inbound[0])
            if before is None or before.activation != "softmax":
                continue
            classes = (_producer(rec, before) or before).units or 0
            cap = (
                f": with {classes} classes no class can get more than {math.e / (math.e + classes - 1):.2f}, "
                f"so the loss cannot fall below {math.log((math.e + classes - 1) / math.e):.2f}"
                if classes > 1
                else ""
            )
            yield ctx.finding(
                f"layer `{layer.name}` applies softmax to the output of `{before.name}`, which is "
                f"already a softmax: probabilities go through softmax again and are squashed "
                f"towards uniform{cap}.",
                f"Apply softmax once: remove `{layer.name}` (or make `{before.name}` linear).",
                layer=layer.name,
                source=layer.source,
                evidence=[Evidence("softmax_layers", f"{before.name}, {layer.name}", "one")],
            )
    loss, activation = rec.meta.get(m.LOSS_NAME), rec.meta.get(m.OUTPUT_ACTIVATION)
    if loss in CROSS_ENTROPY and rec.meta.get(m.FROM_LOGITS) is True and activation in ("softmax", "sigmoid"):
        output = _output_layer(rec)
        yield ctx.finding(
            f"{_named(output)} applies {activation}, and the loss {loss} is set to "
            f"from_logits=True, so it would apply {'softmax' if CROSS_ENTROPY[loss] else 'sigmoid'} "
            f"a second time. Keras 3 notices, warns and uses the values before the {activation} "
            "instead, so this run trained correctly; tf.keras 2 (TensorFlow < 2.16), other "
            "frameworks and code that reads the outputs as logits do not.",
            f"Keep the {activation} and drop from_logits (keras.losses.{_loss_class(loss)}()), or "
            f"make the last layer linear and keep from_logits=True, applying {activation} only "
            "when you need probabilities.",
            severity=Severity.WARNING,
            layer=output.name if output else None,
            source=output.source if output else None,
            evidence=[Evidence(m.FROM_LOGITS, "True", f"False after a {activation}")],
        )


@rule(
    "ND502",
    "logits-as-probabilities",
    Severity.ERROR,
    "A linear output (logits) is fed to a cross-entropy that expects probabilities.",
    requires={m.LOSS_NAME, m.OUTPUT_ACTIVATION},
)
def logits_as_probabilities(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a cross-entropy told it receives probabilities when the model outputs logits.

    **What it checks.** The model's output is linear (no activation on the last layer) and its
    cross-entropy loss has ``from_logits=False`` (the Keras default).

    **Why it matters.** A linear layer outputs any real number. The loss reads those numbers as
    probabilities: it clips them to [1e-7, 1 - 1e-7] (a categorical loss first divides them by
    their sum), so outputs outside (0, 1) get no useful gradient, negative sums flip the sign
    of the loss, and what the model outputs at inference are not probabilities. It is a
    certain defect even where training happens to converge, so it is always an error.

    **Example.** ``Dense(1)`` as the last layer of a binary classifier compiled with
    ``loss="binary_crossentropy"``.

    **Fix.** Tell the loss it receives logits (``BinaryCrossentropy(from_logits=True)``), or end
    the model with ``activation="sigmoid"`` (``"softmax"`` for several classes).
    """
    loss = rec.meta.get(m.LOSS_NAME)
    if loss not in CROSS_ENTROPY or rec.meta.get(m.FROM_LOGITS) is not False:
        return
    if rec.meta.get(m.OUTPUT_ACTIVATION) != "linear":
        return
    output = _output_layer(rec)
    categorical = CROSS_ENTROPY[loss]
    reading = "divides them by their sum and clips" if categorical else "clips"
    yield ctx.finding(
        f"{_named(output)} is linear: it outputs logits (any real number), but the loss {loss} "
        f"is set to from_logits=False and reads them as probabilities: it {reading} them to "
        "[1e-7, 1 - 1e-7], so outputs outside (0, 1) get no useful gradient, and the model's "
        "outputs are not probabilities.",
        f"Tell the loss it receives logits: keras.losses.{_loss_class(loss)}(from_logits=True); "
        f"or end the model with activation='{'softmax' if categorical else 'sigmoid'}'.",
        layer=output.name if output else None,
        source=output.source if output else None,
        evidence=[Evidence(m.OUTPUT_ACTIVATION, "linear", "softmax or sigmoid, or from_logits=True")],
    )


@rule(
    "ND503",
    "output-loss-mismatch",
    Severity.ERROR,
    "The output activation or its number of units does not fit the loss or the task.",
    requires={m.LOSS_NAME, m.OUTPUT_ACTIVATION},
)
def output_loss_mismatch(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag an output layer whose activation or width cannot do what the loss and labels ask.

    **What it checks.** Five mismatches between the output layer, the loss and the labels:
    a softmax over one unit (error: it always outputs 1.0); sigmoid with a categorical
    cross-entropy over more than two classes (warning: Keras 3 trains on the logits under the
    sigmoid, but the outputs do not sum to 1); an activation that is neither logits nor
    probabilities (ReLU, tanh, ...) before a cross-entropy; more output units than the labels
    have classes; and a bounded activation (sigmoid, tanh, ReLU, ...) on regression targets
    outside its range (error when even the targets' mean is outside it).

    **Why it matters.** Keras cross-entropies read the logits under a softmax or sigmoid, so a
    wrong output can show a normal-looking loss while the model's predictions are useless: a
    1-unit softmax predicts the same for every input. ReLU outputs cannot go below 0, tanh
    outputs cannot leave (-1, 1); extra units are classes that never occur; and a model cannot
    output regression targets its activation cannot reach.

    **Example.** ``Dense(1, activation="softmax")`` with ``loss="binary_crossentropy"``: the loss
    falls, yet every prediction is 1.0 and accuracy stays at the share of positives.

    **Fix.** One label per example among C classes: ``Dense(C, activation="softmax")`` with
    ``sparse_categorical_crossentropy``. Binary: ``Dense(1, activation="sigmoid")`` with
    ``binary_crossentropy``. Regression: a linear ``Dense(k)`` with standardized targets.
    """
    loss, activation = rec.meta.get(m.LOSS_NAME), rec.meta.get(m.OUTPUT_ACTIVATION)
    output = _output_layer(rec)
    units = (_producer(rec, output) or output).units if output else None
    where = {"layer": output.name if output else None, "source": output.source if output else None}
    if loss in CROSS_ENTROPY and activation == "softmax" and units == 1:
        yield ctx.finding(
            f"{_named(output)} applies softmax over a single unit: softmax over one value is always "
            f"1.0, so the model predicts the same for every input. The loss {loss} still reads the "
            "logit under the softmax, so it can fall while the predictions stay constant.",
            "For a binary classifier use Dense(1, activation='sigmoid') with binary_crossentropy "
            "(or Dense(2, activation='softmax') with sparse_categorical_crossentropy).",
            **where,
            evidence=[Evidence("output_units", 1, "> 1 with softmax")],
        )
    classes = symptoms.num_classes(rec)
    if loss in CROSS_ENTROPY and CROSS_ENTROPY[loss] and activation == "sigmoid" and (classes or 0) > 2:
        yield ctx.finding(
            f"{_named(output)} applies sigmoid, but the loss {loss} compares one distribution over "
            f"{classes} classes: Keras 3 trains on the logits under the sigmoid, so training "
            f"works, but the model's {classes} outputs are independent probabilities that do not "
            "sum to 1.",
            "Use activation='softmax' for one label per example; keep sigmoid (with "
            "binary_crossentropy) only for multi-label targets.",
            severity=Severity.WARNING,
            **where,
            evidence=[Evidence(m.OUTPUT_ACTIVATION, "sigmoid", "softmax")],
        )
    if loss in CROSS_ENTROPY and activation is not None and activation not in READABLE_BY_CROSS_ENTROPY:
        severity, outcome = symptoms.gated(rec)
        yield ctx.finding(
            f"{_named(output)} applies {activation} before the cross-entropy {loss}: its outputs "
            "are neither logits (any real number) nor probabilities (in (0, 1)), so the loss "
            f"cannot read them as either. {outcome}",
            f"End a classifier with a linear layer and {_loss_class(loss)}(from_logits=True), or "
            f"with {'softmax' if CROSS_ENTROPY[loss] else 'sigmoid'} and from_logits=False.",
            severity=severity,
            **where,
            evidence=[Evidence(m.OUTPUT_ACTIVATION, activation, "linear, softmax or sigmoid")],
        )
    fractions = rec.meta.get(m.CLASS_FRACTIONS) or []
    if rec.meta.get(m.TASK) == "multiclass" and units and 1 < len(fractions) < units:
        severity, outcome = symptoms.gated(rec)
        yield ctx.finding(
            f"{_named(output)} has {units} units but the labels hold {len(fractions)} classes "
            f"(0-{len(fractions) - 1}): {units - len(fractions)} outputs stand for classes that "
            f"never occur. {outcome}",
            f"Give the output layer one unit per class: Dense({len(fractions)}, ...).",
            severity=severity,
            **where,
            evidence=[Evidence("output_units", units, f"{len(fractions)} (the classes)")],
        )
    stats = rec.meta.get(m.TARGET_STATS) or symptoms.label_facts(rec).get("stats") or {}
    if rec.meta.get(m.TASK) == "regression" and activation in BOUNDS and "min" in stats:
        low, high = BOUNDS[activation]
        if stats["min"] < low or stats["max"] > high:
            message = (
                f"{_named(output)} applies {activation}, which only outputs values in "
                f"({low:g}, {high:g}), but the regression targets range from {stats['min']:.4g} to "
                f"{stats['max']:.4g} (mean {stats['mean']:.4g}): the model can never output"
            )
            if low < stats["mean"] < high:
                severity, outcome = symptoms.gated(rec)
                message += f" the targets outside that range. {outcome}"
            else:
                severity = Severity.ERROR
                message += " most of them."
            yield ctx.finding(
                message,
                "Use a linear output (no activation) for regression and standardize the targets: "
                "(y - mean) / std; keep a bounded activation only for targets scaled into its range.",
                severity=severity,
                **where,
                evidence=[
                    Evidence("target_min", stats["min"], f">= {low:g}"),
                    Evidence("target_max", stats["max"], f"<= {high:g}"),
                ],
            )


@rule(
    "ND504",
    "linear-stack",
    Severity.ERROR,
    "Consecutive layers have no nonlinearity between them and collapse into one linear map.",
    requires={m.WIRING},
)
def linear_stack(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag dense or convolution layers that follow each other with no activation in between.

    **What it checks.** Chains of linear maps (``Dense``, ``Conv*``) where each but the last has
    no activation and the next one reads its output directly or through weightless linear
    layers (``Dropout``, ``Flatten``, ``BatchNormalization``, average pooling). Only models with
    a Keras graph (functional, Sequential) are checked: a subclassed model may apply its
    activations in ``call``, where the layer list does not show them.

    **Why it matters.** A composition of linear maps is one linear map: ``W2 (W1 x + b1) + b2 =
    (W2 W1) x + b``. However many layers are stacked, the chain can learn nothing a single layer
    could not; a network without hidden activations is a linear (or logistic) regression.

    **Example.** ``Conv2D(8, 3)``, ``Conv2D(8, 3)``, ``Flatten()``, ``Dense(32)``,
    ``Dense(10, activation="softmax")``: softmax regression with extra parameters.

    **Fix.** Give every hidden layer an activation: ``Dense(32, activation="relu")``,
    ``Conv2D(8, 3, activation="relu")``.
    """
    if not _graph_known(rec):
        return
    consumers: dict[str, list[LayerInfo]] = {}
    for layer in rec.layers:
        for name in layer.inbound:
            consumers.setdefault(name, []).append(layer)

    def next_map(layer: LayerInfo) -> LayerInfo | None:
        """The linear map that alone reads ``layer``'s output, through linear weightless layers."""
        following = consumers.get(layer.name, [])
        while len(following) == 1 and _passes_linearly(following[0]):
            following = consumers.get(following[0].name, [])
        if len(following) == 1 and following[0].kind in LINEAR_MAPS and len(following[0].inbound) == 1:
            return following[0]
        return None

    chained: set[str] = set()
    for layer in rec.layers:
        if layer.kind not in LINEAR_MAPS or layer.name in chained:
            continue
        chain = [layer]
        while chain[-1].activation == "linear" and (following := next_map(chain[-1])) is not None:
            chain.append(following)
        chained.update(member.name for member in chain)
        if len(chain) < 2:
            continue
        names = ", ".join(f"`{member.name}`" for member in chain)
        last = chain[-1]
        then = f", then {last.activation}" if last.activation != "linear" else ""
        severity, outcome = symptoms.gated(rec)
        yield ctx.finding(
            f"layers {names} follow each other with no nonlinearity in between: together they "
            f"compute one linear map{then}, so the {len(chain)} layers can learn nothing a single "
            f"one could not. {outcome}",
            "Give every hidden layer an activation, e.g. "
            f"{layer.kind}(..., activation='relu') for `{layer.name}`.",
            severity=severity,
            layer=layer.name,
            source=layer.source,
            evidence=[Evidence("activation", member.activation, "a nonlinearity", member.name) for member in chain[:-1]],
        )


@rule(
    "ND505",
    "label-format",
    Severity.ERROR,
    "One-hot labels are given to a sparse loss, or integer labels to a categorical one.",
    requires={m.LABELS},
    applies=lambda rec: m.LABELS in rec.meta,
)
def label_format(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag labels in the format the loss does not take.

    **What it checks.** The format of the labels the target's own data provides (one-hot
    vectors or integer class indices) against the one its loss expects:
    ``sparse_categorical_crossentropy`` takes integers, ``categorical_crossentropy`` one-hot
    vectors. netdoctor converts the labels so that the diagnosis can run, and reports the
    mismatch here. It is an error: the user's own ``fit`` fails on them.

    **Why it matters.** Keras 3 raises a ``ValueError`` about ranks or shapes on either
    mismatch (older Keras versions could instead train on broadcast nonsense), so the
    program does not train at all until the labels or the loss change.

    **Example.** ``y_train = keras.utils.to_categorical(y, 10)`` with
    ``loss="sparse_categorical_crossentropy"``.

    **Fix.** Pick the loss for the labels you have: ``categorical_crossentropy`` for one-hot,
    ``sparse_categorical_crossentropy`` for integers (or convert: ``y.argmax(axis=1)``,
    ``keras.utils.to_categorical(y, C)``).
    """
    labels = symptoms.label_facts(rec)
    given, expected = labels.get("given"), labels.get("expected")
    if not labels.get("converted") or {given, expected} != {"one-hot", "integer"}:
        return
    loss, classes = rec.meta.get(m.LOSS_NAME), symptoms.num_classes(rec)
    if given == "one-hot":
        message = (
            f"the labels are one-hot vectors ({classes} columns), but the loss {loss} expects "
            "integer class indices: Keras raises `ValueError: Argument output must have rank "
            "(ndim) target.ndim - 1` on them."
        )
        fix = (
            "Use loss='categorical_crossentropy' for one-hot labels, or keep the sparse loss and "
            "pass integer labels: y.argmax(axis=1)."
        )
    else:
        message = (
            f"the labels are integer class indices, but the loss {loss} expects one-hot vectors of "
            f"{classes} columns: Keras raises `ValueError: Arguments target and output must have "
            "the same rank (ndim)` on them."
        )
        fix = (
            "Use loss='sparse_categorical_crossentropy' for integer labels, or one-hot encode them: "
            f"keras.utils.to_categorical(y, {classes})."
        )
    yield ctx.finding(
        message + " netdoctor converted them to run this diagnosis; your own fit() cannot.",
        fix,
        evidence=[Evidence("label_format", given, expected)],
    )
