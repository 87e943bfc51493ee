"""ND5xx: configuration. An output, loss and labels that do not fit together, and layers that add
nothing. Read from the model and data facts recorded before training starts."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from netdoctor import metrics as m
from netdoctor import readings
from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import LayerInfo, Recording
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
    "MatMul", "BatchMatMulV2",  # TF1 graphs: a kernel variable's weight op
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
    tier="defect",
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
    tier="defect",
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
    tier="defect",
    gated=True,
    requires={m.LOSS_NAME, m.OUTPUT_ACTIVATION},
)
def output_loss_mismatch(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag an output layer whose activation or width cannot do what the loss and labels ask.

    **What it checks.** Seven mismatches between the output layer, the loss and the labels:
    a softmax over one unit (error: it always outputs 1.0); a categorical cross-entropy over one
    unit (error: the loss is 0 whatever the output); a binary cross-entropy over one unit on
    labels of more than two classes (error: labels above 1 are no probabilities); sigmoid with a categorical
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
            certain=True,
            **where,
            evidence=[Evidence("output_units", 1, "> 1 with softmax")],
        )
    several = rec.meta.get(m.TASK) == "multiclass" and (readings.num_classes(rec) or 0) > 1  # read from the loss
    if loss == "categorical_crossentropy" and activation != "softmax" and units == 1 and not several:
        yield ctx.finding(
            f"{_named(output)} has a single unit, and {loss} normalizes the outputs over the units "
            "into one distribution: over one unit that distribution is always 1.0, so the loss is 0 "
            "for every prediction and the gradient carries nothing to learn from.",
            "For a binary classifier with one output use binary_crossentropy (Dense(1, "
            "activation='sigmoid')); categorical_crossentropy needs one unit per class and one-hot "
            "labels.",
            certain=True,
            **where,
            evidence=[Evidence("output_units", 1, "> 1 with categorical_crossentropy")],
        )
    fractions = rec.meta.get(m.CLASS_FRACTIONS) or []
    if loss in CROSS_ENTROPY and not CROSS_ENTROPY[loss] and units == 1 and len(fractions) > 2:
        lowest = float(np.nanmin(rec.train_loss)) if np.isfinite(rec.train_loss).any() else math.nan
        went_negative = f"; the loss went down to {lowest:.4g}, below 0, which no cross-entropy of probabilities can" if lowest < 0 else ""
        yield ctx.finding(
            f"{_named(output)} has a single unit and the loss is {loss}, but the labels hold "
            f"{len(fractions)} classes (0-{len(fractions) - 1}): a binary cross-entropy reads each "
            f"label as the probability of one class, and labels above 1 are none{went_negative}. "
            f"The model cannot tell {len(fractions)} classes apart with one output.",
            f"Give the model one output per class, Dense({len(fractions)}, activation='softmax'), "
            "and train it with sparse_categorical_crossentropy on the integer labels.",
            certain=True,
            **where,
            evidence=[
                Evidence("label_classes", len(fractions), "2 for binary_crossentropy"),
                *([Evidence("lowest_loss", lowest, ">= 0")] if lowest < 0 else []),
            ],
        )
    classes = readings.num_classes(rec)
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
        yield ctx.finding(
            f"{_named(output)} applies {activation} before the cross-entropy {loss}: its outputs "
            "are neither logits (any real number) nor probabilities (in (0, 1)), so the loss "
            f"cannot read them as either.",
            f"End a classifier with a linear layer and {_loss_class(loss)}(from_logits=True), or "
            f"with {'softmax' if CROSS_ENTROPY[loss] else 'sigmoid'} and from_logits=False.",
            **where,
            evidence=[Evidence(m.OUTPUT_ACTIVATION, activation, "linear, softmax or sigmoid")],
        )
    if rec.meta.get(m.TASK) == "multiclass" and units and 1 < len(fractions) < units:
        yield ctx.finding(
            f"{_named(output)} has {units} units but the labels hold {len(fractions)} classes "
            f"(0-{len(fractions) - 1}): {units - len(fractions)} outputs stand for classes that "
            f"never occur.",
            f"Give the output layer one unit per class: Dense({len(fractions)}, ...).",
            **where,
            evidence=[Evidence("output_units", units, f"{len(fractions)} (the classes)")],
        )
    if rec.meta.get(m.UNGUARDED_LOG) and activation in ("softmax", "sigmoid"):
        broke = readings.loss_non_finite(rec)
        yield ctx.finding(
            f"the loss takes the log of the {activation} outputs as they are: a probability that "
            "underflows to 0 gives log(0) = -inf, and 0 * -inf = NaN"
            + (", which is what happened: the loss became NaN." if broke else "; it has not happened in this run yet."),
            "Compute the cross-entropy from the logits: tf.nn.softmax_cross_entropy_with_logits(labels=y, "
            "logits=logits) (or sigmoid_cross_entropy_with_logits), which never takes log(0); or at least "
            "tf.log(tf.clip_by_value(p, 1e-10, 1.0)).",
            severity=None if broke else Severity.WARNING,
            certain=broke,
            **where,
            evidence=[Evidence(m.UNGUARDED_LOG, "True", "a clip or epsilon before the log")],
        )
    squared = loss in ("mean_squared_error", "mean_absolute_error", "mse", "mae")
    class_fractions = rec.meta.get(m.CLASS_FRACTIONS) or []
    if squared and activation in ("softmax", "sigmoid") and len(class_fractions) > 2:
        yield ctx.finding(
            f"{_named(output)} applies {activation} to {len(class_fractions)} class outputs trained with "
            f"{loss}: a squared error on probabilities gives the wrong classes almost no gradient once "
            "they saturate (a probability near 0 for the true class moves the loss by little), so the "
            "model learns slowly and stalls.",
            "Train a classifier with a cross-entropy: linear logits with "
            "softmax_cross_entropy_with_logits (TF1) or SparseCategoricalCrossentropy(from_logits=True).",
            **where,
            evidence=[Evidence(m.LOSS_NAME, loss, "a cross-entropy for classes")],
        )
    stats = rec.meta.get(m.TARGET_STATS) or readings.label_facts(rec).get("stats") or {}
    if rec.meta.get(m.TASK) == "regression" and activation in BOUNDS and "min" in stats:
        low, high = BOUNDS[activation]
        if stats["min"] < low or stats["max"] > high:
            message = (
                f"{_named(output)} applies {activation}, which only outputs values in "
                f"({low:g}, {high:g}), but the regression targets range from {stats['min']:.4g} to "
                f"{stats['max']:.4g} (mean {stats['mean']:.4g}): the model can never output"
            )
            reachable = low < stats["mean"] < high
            message += " the targets outside that range." if reachable else " most of them."
            yield ctx.finding(
                message,
                "Use a linear output (no activation) for regression and standardize the targets: "
                "(y - mean) / std; keep a bounded activation only for targets scaled into its range.",
                certain=not reachable,
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
    tier="defect",
    gated=True,
    requires={m.LAYERS},
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
        yield ctx.finding(
            f"layers {names} follow each other with no nonlinearity in between: together they "
            f"compute one linear map{then}, so the {len(chain)} layers can learn nothing a single "
            f"one could not.",
            "Give every hidden layer an activation, e.g. "
            f"{layer.kind}(..., activation='relu') for `{layer.name}`.",
            layer=layer.name,
            source=layer.source,
            evidence=[Evidence("activation", member.activation, "a nonlinearity", member.name) for member in chain[:-1]],
        )


@rule(
    "ND505",
    "label-format",
    Severity.ERROR,
    "One-hot labels are given to a sparse loss, or integer labels to a categorical one.",
    tier="defect",
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
    labels = readings.label_facts(rec)
    given, expected = labels.get("given"), labels.get("expected")
    if not labels.get("converted") or {given, expected} != {"one-hot", "integer"}:
        return
    loss, classes = rec.meta.get(m.LOSS_NAME), readings.num_classes(rec)
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


@rule(
    "ND506",
    "excessive-dropout",
    Severity.ERROR,
    "Dropout rates so high that too little of the signal reaches the output in training.",
    tier="cause",
    gated=True,
    requires={m.LAYERS},
    max_rate=0.5,
)
def excessive_dropout(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag dropout layers that drop most of their inputs.

    **What it checks.** The rate of every dropout layer (``Dropout``, ``SpatialDropout*``,
    ``GaussianDropout``, ``AlphaDropout``) the model has. It fires when a rate is above
    ``max_rate``, and reports the share of the signal that the dropout layers together let
    through in training (the product of their keep rates).

    **Why it matters.** Dropout keeps each input with probability ``1 - rate`` in training. At
    0.9 only a tenth of the units take part in each step, the gradient is mostly noise, and
    behind three such layers a thousandth of the signal is left: the network cannot fit even its
    training data. Rates above 0.5 are rarely useful (0.5 is the classic value for fully
    connected layers, 0.1-0.3 for convolutions).

    **Example.** ``Dropout(0.9)`` after each of three hidden layers of an MNIST MLP: held-out
    accuracy 0.11.

    **Fix.** Lower the rates to 0.2-0.5, or drop the dropout layers until the model learns.

    **Options.** ``max_rate`` (default 0.5, UMLAUT's and DL Contract's bound).
    """
    dropouts = [layer for layer in rec.layers if layer.dropout is not None]
    high = [layer for layer in dropouts if layer.dropout > ctx["max_rate"]]
    if not high:
        return
    kept = float(np.prod([1 - layer.dropout for layer in dropouts]))
    rates = ", ".join(f"`{layer.name}` drops {layer.dropout:.0%}" for layer in high)
    fix = (
        f"Lower the dropout rates to 0.2-0.5 (Dropout({min(0.5, ctx['max_rate']):g})), or remove the "
        "dropout layers until the model learns, then add them back."
    )
    if rec.meta.get(m.API) == "tf1":
        fix = (
            "tf.nn.dropout(x, keep_prob) keeps the share keep_prob of the units: feed keep_prob "
            "0.5-0.9 in training (and 1.0 to evaluate), not the share to drop (that is rate=, "
            "rate = 1 - keep_prob)."
        )
    yield ctx.finding(
        f"dropout drops most of the signal: {rates} of its inputs in training; together the "
        f"{len(dropouts)} dropout layer{'s' if len(dropouts) > 1 else ''} let {kept:.2g} of it through.",
        fix,
        layer=high[0].name,
        source=high[0].source,
        evidence=[Evidence("dropout_rate", layer.dropout, f"<= {ctx['max_rate']:g}", layer.name) for layer in high],
    )


@rule(
    "ND507",
    "excessive-regularization",
    Severity.ERROR,
    "The regularization penalty dominates the loss, or shrinks the weights toward zero.",
    tier="cause",
    gated=True,
    requires={m.REGULARIZATION_LOSS},
    max_share=0.5,
    shrink=0.25,
)
def excessive_regularization(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag weight penalties so strong that minimizing them is what the model learns.

    **What it checks.** The penalty of the model's regularizers (``model.losses``: L1/L2 on
    kernels) at each sampled step, as a share of the loss Keras trains on (which includes it),
    and the kernels' standard deviation from the first to the last sample. It fires when the
    penalty is more than ``max_share`` of the loss over the second half of the run, or when a
    regularized kernel shrinks below ``shrink`` of its initial spread.

    **Why it matters.** The optimizer minimizes data loss plus penalty. With ``l2(0.5)`` on every
    kernel the penalty of a freshly initialized MLP is larger than the data loss, and the
    cheapest way down is to shrink every weight toward 0: the network ends predicting nearly the
    same for every input. The high "initial loss" is the penalty, not bad predictions.

    **Example.** ``kernel_regularizer=keras.regularizers.l2(0.5)`` on every layer: the penalty is
    90% of the loss, kernels shrink from std 0.05 to 1e-4, held-out accuracy 0.11.

    **Fix.** Lower the factors to 1e-4-1e-3 (``l2(1e-4)``), or remove the regularizers until the
    model learns.

    **Options.** ``max_share`` (default 0.5), ``shrink`` (default 0.25).
    """
    penalty = np.array([float(s.get(m.REGULARIZATION_LOSS, math.nan)) for s in rec.samples])
    steps = rec.sample_steps
    loss = rec.train_loss
    total = np.array([float(loss[step]) if step < loss.size else math.nan for step in steps])
    known = np.isfinite(penalty) & np.isfinite(total) & (total > 0)
    if not known.any():
        return
    later = known & (rec.sample_steps >= rec.steps / 2)
    share = float(np.median(penalty[later] / total[later])) if later.any() else float(np.median(penalty[known] / total[known]))
    regularized = [layer for layer in rec.kernel_layers if layer.l1 or layer.l2]
    shrunk = []
    for layer in regularized:
        std = rec.layer_series(layer.name, m.KERNEL_STD)
        std = std[np.isfinite(std)]
        if std.size >= 2 and std[0] > 0 and std[-1] < ctx["shrink"] * std[0]:
            shrunk.append((layer, float(std[0]), float(std[-1])))
    if share <= ctx["max_share"] and not shrunk:
        return
    factors = ", ".join(
        f"`{layer.name}` " + " and ".join(f"{kind}({value:g})" for kind, value in (("l1", layer.l1), ("l2", layer.l2)) if value)
        for layer in regularized
    )
    parts = []
    if share > ctx["max_share"]:
        parts.append(f"the regularization penalty is {share:.0%} of the loss over the second half of the run")
    if shrunk:
        layer, start, end = shrunk[0]
        parts.append(f"the weights of `{layer.name}` shrank from std {start:.2g} to {end:.2g}")
    yield ctx.finding(
        "the regularization overwhelms the data: " + "; ".join(parts) + (f". Regularizers: {factors}." if factors else "."),
        "Lower the regularization factors to 1e-4-1e-3 (kernel_regularizer=keras.regularizers.l2(1e-4)), "
        "or remove them until the model learns, then add them back.",
        layer=(shrunk[0][0].name if shrunk else regularized[0].name if regularized else None),
        evidence=[Evidence("regularization_share", share, f"<= {ctx['max_share']:g}")]
        + [Evidence(m.KERNEL_STD, end, f">= {ctx['shrink']:g} x {start:.2g}", layer.name) for layer, start, end in shrunk],
    )


@rule(
    "ND508",
    "batch-covers-dataset",
    Severity.ERROR,
    "The batch size is at least the number of training examples: one step per epoch.",
    tier="cause",
    gated=True,
    requires={m.BATCH_SIZE, m.TRAIN_EXAMPLES},
)
def batch_covers_dataset(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a batch that holds the whole training set.

    **What it checks.** The batch size the program trains with against the number of training
    examples. It fires when the batch is at least as large as the data.

    **Why it matters.** With the whole data set in every batch, each epoch is a single step:
    a run of a few epochs takes a handful of updates, where mini-batches of 32-256 would take
    hundreds, and the noise of mini-batches that helps escape poor regions is gone. Such a run
    ends long before the model has learned; it looks like a model that cannot learn.

    **Example.** ``model.fit(x, y, batch_size=len(x), epochs=5)``: 5 steps in all.

    **Fix.** Use mini-batches (``batch_size=32`` to 256) so that each epoch takes many steps;
    keep full batches only with many epochs and a larger learning rate.
    """
    batch, examples = rec.meta.get(m.BATCH_SIZE), rec.meta.get(m.TRAIN_EXAMPLES)
    if not (isinstance(batch, int) and isinstance(examples, int)) or examples <= 0 or batch < examples:
        return
    yield ctx.finding(
        f"each batch holds the whole training set: batch size {batch:,} for {examples:,} examples, so "
        f"every epoch is one step and the run took {rec.steps:,} steps in all.",
        "Use mini-batches (batch_size=32 to 256) so that each epoch takes many steps.",
        evidence=[Evidence(m.BATCH_SIZE, batch, f"< {examples:,} (the training examples)")],
    )
