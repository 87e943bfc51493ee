"""The intervention catalog: the fixes netdoctor can apply mechanically to test a diagnosis.

Each intervention implements the fix of some rules. Given a finding and the recording it came
from, its planner says exactly what to change (which layers, which factor), or why it cannot be
applied to this kind of run. The observer applies a planned intervention where it concerns the
program (``netdoctor.observe.intervene``, one implementation per name); this module never
imports TensorFlow. Adding an intervention is one planner here and one implementation there.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from netdoctor import metrics as m
from netdoctor import readings
from netdoctor.findings import Finding
from netdoctor.recording import LayerInfo, Recording

#: Activations that want He initialization (the others get Glorot).
RELU_FAMILY = frozenset({"relu", "relu6", "elu", "selu", "leaky_relu", "gelu", "silu", "swish", "mish"})
#: Hidden activations that saturate.
SATURATING = frozenset({"sigmoid", "tanh", "hard_sigmoid", "softsign"})
#: Loops (the run fact ``loop``) that train a Keras model the observer can reach.
KERAS_LOOPS = frozenset({"netdoctor", "fit", "function", "eager"})
#: Learning-rate factors of the two learning-rate interventions.
LOWER, RAISE = 0.1, 10.0
#: How far from the program's own a scaled learning rate may go.
FURTHEST = 1e3
#: The dropout rate and regularization factor the reducing interventions set.
DROPOUT_RATE, REGULARIZATION_FACTOR = 0.2, 0.01
#: Adam's default beta_1 and beta_2.
ADAM_BETAS = (0.9, 0.999)

#: The batch size of the smaller-batch intervention (Keras's default).
SMALL_BATCH = 32
#: Keras names of the cross-entropies, by whether they read one distribution over classes.
CROSS_ENTROPIES = {
    "sparse_categorical_crossentropy": True,
    "categorical_crossentropy": True,
    "binary_crossentropy": False,
}


@dataclass(frozen=True)
class Planned:
    """One intervention chosen for a run: what the observer changes, as plain data."""

    name: str
    params: dict[str, Any]
    description: str  # what it does, in words: "re-initialize `dense`, `dense_1` (He normal)"
    codes: tuple[str, ...] = ()  # the findings whose fix it tests

    @property
    def steps_factor(self) -> float:
        """How many more steps a re-run with this plan takes to see as many examples."""
        parts = self.params.get("parts") if self.name == "together" else [self.to_spec()]
        return math.prod(float(part["params"].get("steps_factor", 1.0)) for part in parts)

    @property
    def changes_loss(self) -> bool:
        """Whether the re-run trains with another loss function (losses are then not comparable)."""
        parts = self.params.get("parts") if self.name == "together" else [self.to_spec()]
        return any(part["params"].get("criterion") for part in parts)

    @property
    def key(self) -> str:
        """Two plans with the same key change the same thing."""
        return json.dumps([self.name, self.params], sort_keys=True)

    def to_spec(self) -> dict[str, Any]:
        return {"name": self.name, "params": self.params}


Planner = Callable[[Finding, Recording], "Planned | str"]


@dataclass(frozen=True)
class Intervention:
    """A named fix: the rules it implements and how to plan it for a finding."""

    name: str
    fixes: frozenset[str]
    summary: str
    planner: Planner = field(repr=False)

    def plan(self, finding: Finding, rec: Recording) -> Planned | str:
        """What to change for ``finding`` in this run, or why it cannot be changed here."""
        planned = self.planner(finding, rec)
        if isinstance(planned, Planned):
            return Planned(planned.name, planned.params, planned.description, (finding.code,))
        return planned


#: Every intervention by name, in the order they are tried for a rule.
CATALOG: dict[str, Intervention] = {}


def intervention(name: str, fixes: set[str], summary: str) -> Callable[[Planner], Planner]:
    """Register a planner as the intervention ``name``, implementing the fix of ``fixes``."""

    def register(planner: Planner) -> Planner:
        if name in CATALOG:
            raise ValueError(f"intervention {name} registered twice")
        CATALOG[name] = Intervention(name, frozenset(fixes), summary, planner)
        return planner

    return register


#: Why the findings of rules that no intervention implements cannot be tested by a re-run.
UNTESTABLE = {
    "ND203": "a gradient that never arrives is mended in the program's own graph, not by a setting",
    "ND204": "weights that stop changing are mended in the program (what freezes them), not by a setting",
    "ND505": "netdoctor converted the labels to run this check, so a re-run cannot show the difference; "
    "the program's own fit() raises on them",
    "ND604": "labels that carry nothing the inputs could predict are mended where they are made",
    "ND605": "held-out data that does not match the training data is mended where it is made",
    "ND606": "a loop that draws one batch is mended in the loop, where it draws its batches",
    "ND701": "a graph that grows is mended in the program's structure",
    "ND702": "a reduction over the batch axis is mended in the program's own code",
    "ND703": "memory that grows is mended in the program's structure",
}


def for_finding(finding: Finding, rec: Recording) -> Planned | str | None:
    """The first intervention that can test ``finding``'s fix in this run; else why none can
    (a string); None when nothing is known about its rule."""
    reasons = []
    for candidate in CATALOG.values():
        if finding.code not in candidate.fixes:
            continue
        planned = candidate.plan(finding, rec)
        if isinstance(planned, Planned):
            return planned
        reasons.append(planned)
    return reasons[0] if reasons else UNTESTABLE.get(finding.code)


def combined(plans: list[Planned]) -> Planned:
    """Several interventions applied together, as one plan."""
    return Planned(
        "together",
        {"parts": [p.to_spec() for p in plans]},
        " and ".join(p.description for p in plans),
        tuple(code for p in plans for code in p.codes),
    )


# ---- what the planners read --------------------------------------------------------------------
def loop(rec: Recording) -> str:
    return str(rec.meta.get(m.LOOP) or "")


def _layers(finding: Finding, rec: Recording) -> list[LayerInfo]:
    """The layers a finding concerns: those it names, and those its evidence was measured on."""
    names = dict.fromkeys([*finding.all_layers, *(e.layer for e in finding.evidence if e.layer)])
    found = [rec.layer(name) for name in names]
    return [layer for layer in found if layer is not None]


def _is_raw(layer: LayerInfo, rec: Recording) -> bool:
    """A plain variable (a custom loop's ``tf.Variable``, a TF1 graph's), not a Keras layer."""
    return loop(rec) == "session" or layer.kind == "Variable"


def _keras_model(rec: Recording) -> bool:
    """Whether the run trains a Keras model the observer can change."""
    return loop(rec) in KERAS_LOOPS and any(not _is_raw(layer, rec) for layer in rec.layers)


def _names(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _initializer(layer: LayerInfo) -> str:
    return "he" if layer.activation in RELU_FAMILY else "glorot"


def _hand_written(rec: Recording) -> bool:
    """Whether a custom loop updates its variables by hand (``w.assign_sub(lr * g)``)."""
    updates = rec.meta.get(m.UPDATES)
    return isinstance(updates, dict) and bool(updates.get("by_hand")) and not updates.get("by_optimizer")


NO_KERAS_MODEL = "the program trains no Keras model netdoctor can change"


# ---- the catalog -------------------------------------------------------------------------------


@intervention(
    "pair-output",
    {"ND303", "ND501", "ND502", "ND503"},
    "pair the output activation with the loss: softmax or sigmoid with from_logits=False, a linear "
    "output with from_logits=True, a cross-entropy for classes, a linear output for regression",
)
def _pair_output(finding: Finding, rec: Recording) -> Planned | str:
    facts = rec.meta
    loss = facts.get(m.LOSS_NAME)
    output = next((layer for layer in reversed(rec.layers) if layer.is_output), None)
    metrics = {e.metric: e.observed for e in finding.evidence}
    keras = _keras_model(rec) and output is not None
    if facts.get(m.UNGUARDED_LOG) and (finding.code == "ND303" or m.UNGUARDED_LOG in metrics):
        return Planned("pair-output", {"clip_log": True}, "clip the probabilities before the log (1e-10)")
    if finding.code == "ND303":
        return "the NaN does not come from a log of probabilities"
    if finding.code == "ND501" and metrics.get("softmax_layers") and keras:
        second = finding.layer
        return Planned("pair-output", {"identity": [second]}, f"remove the second softmax `{second}`")
    if finding.code == "ND501":
        if loop(rec) in ("session", *readings.CUSTOM_LOOPS) and not keras:
            return Planned(
                "pair-output", {"logits_of_probabilities": True}, "give the loss the logits under the softmax"
            )
        return Planned(
            "pair-output", {"criterion": {"name": loss, "logits": False}}, f"{loss} with from_logits=False"
        )
    if not keras:
        return NO_KERAS_MODEL
    if finding.code == "ND502":
        return Planned(
            "pair-output", {"criterion": {"name": loss, "logits": True}}, f"{loss} with from_logits=True"
        )
    classes = len(facts.get(m.CLASS_FRACTIONS) or []) or facts.get(m.NUM_CLASSES)
    if metrics.get("output_units") == 1:  # a softmax over one unit
        return Planned(
            "pair-output",
            {
                "activation": {output.name: "sigmoid"},
                "criterion": {"name": "binary_crossentropy", "logits": False},
            },
            f"sigmoid on `{output.name}` with binary_crossentropy",
        )
    if m.OUTPUT_ACTIVATION in metrics and loss in CROSS_ENTROPIES:
        wanted = "softmax" if CROSS_ENTROPIES[loss] else "sigmoid"
        return Planned(
            "pair-output",
            {"activation": {output.name: wanted}, "criterion": {"name": loss, "logits": False}},
            f"{wanted} on `{output.name}` with {loss}",
        )
    if m.LOSS_NAME in metrics and classes:
        one_hot = (rec.meta.get(m.LABELS) or {}).get("given") == "one-hot" or facts.get(
            m.TASK
        ) == "multiclass"
        name = "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"
        return Planned(
            "pair-output",
            {"activation": {output.name: "softmax"}, "criterion": {"name": name, "logits": False}},
            f"softmax on `{output.name}` with {name}",
        )
    if "target_min" in metrics:
        return Planned(
            "pair-output", {"activation": {output.name: "linear"}}, f"a linear output `{output.name}`"
        )
    return "the mismatch has no mechanical fix"


@intervention("hidden-relu", {"ND201", "ND302", "ND504"}, "use ReLU in the hidden layers")
def _hidden_relu(finding: Finding, rec: Recording) -> Planned | str:
    if not _keras_model(rec):
        return NO_KERAS_MODEL
    if finding.code == "ND504":
        wanted = {"linear", None}
    else:
        wanted = set(SATURATING)
    hidden = [
        layer for layer in rec.layers
        if not layer.is_output and layer.feeds_trainable and layer.activation in wanted and not _is_raw(layer, rec)
        and (layer.has_kernel or layer.kind == "Activation")
    ]  # fmt: skip
    if finding.code == "ND504":
        hidden = [layer for layer in hidden if layer.has_kernel]
    if not hidden:
        return "no hidden layer has an activation to replace"
    names = [layer.name for layer in hidden]
    return Planned("hidden-relu", {"names": names}, f"use ReLU in {_names(names)}")


@intervention(
    "reinitialize",
    {"ND101", "ND102", "ND103", "ND104", "ND201", "ND301"},
    "re-initialize the kernels: He normal before ReLU-family activations, Glorot uniform otherwise",
)
def _reinitialize(finding: Finding, rec: Recording) -> Planned | str:
    layers = [layer for layer in _layers(finding, rec) if layer.has_kernel]
    if finding.code == "ND104" and not layers:  # a first loss far too high: the output layer's scale
        layers = [layer for layer in rec.kernel_layers if layer.is_output]
    if not layers:
        return "the finding names no kernel to re-initialize"
    keras_layers = {layer.name: _initializer(layer) for layer in layers if not _is_raw(layer, rec)}
    sources = {layer.source: _initializer(layer) for layer in layers if _is_raw(layer, rec) and layer.source}
    if not keras_layers and not sources:
        return "the variables' creation lines are unknown"
    kinds = sorted(
        {
            "He normal" if init == "he" else "Glorot uniform"
            for init in (*keras_layers.values(), *sources.values())
        }
    )
    return Planned(
        "reinitialize",
        {"kernels": keras_layers, "sources": sources},
        f"re-initialize {_names([layer.name for layer in layers])} ({', '.join(kinds)})",
    )


def _learning_rate(factor: float, word: str) -> Planner:
    """A planner that scales the learning rate by ``factor``, or to the optimizer's default
    where that is further (a rate 1000x off is not mended by 10x)."""

    def plan(finding: Finding, rec: Recording) -> Planned | str:
        if finding.code == "ND205" and (_update_direction(finding) != word):
            return f"the updates are not too {'large' if word == 'lower' else 'small'}"
        rate, default, _ = readings.learning_rate(rec)
        hand = _hand_written(rec)
        if rate is None and not hand and loop(rec) not in readings.CUSTOM_LOOPS:
            return "the optimizer's learning rate is unknown"
        scale = factor
        if rate and default:
            scale = max(factor, default / rate) if factor > 1 else min(factor, default / rate)
        return _scaled_learning_rate(scale, rate, hand)

    return plan


def _scaled_learning_rate(scale: float, rate: float | None, hand: bool) -> Planned:
    what = f"{rate:g} -> {rate * scale:g}" if rate else f"x {scale:g}"
    return Planned(
        f"{'lower' if scale < 1 else 'raise'}-learning-rate",
        {"factor": scale, "hand_written": hand, "rate": rate},
        f"{'divide' if scale < 1 else 'multiply'} the learning rate by {max(scale, 1 / scale):g} ({what})"
        + (" (the loop's hand-written updates scaled)" if hand else ""),
    )


def stronger(plan: Planned) -> Planned | None:
    """The same fix taken 10x further (a learning rate scaled once more), for a fix that helped too
    little; None where there is no stronger one, or it would go past :data:`FURTHEST`."""
    if plan.name not in ("lower-learning-rate", "raise-learning-rate"):
        return None
    factor = plan.params["factor"]
    scale = factor * (LOWER if factor < 1 else RAISE)
    if max(scale, 1 / scale) > FURTHEST:
        return None
    return replace(
        _scaled_learning_rate(scale, plan.params["rate"], plan.params["hand_written"]), codes=plan.codes
    )


def _update_direction(finding: Finding) -> str:
    """``lower`` when an update-ratio finding says the updates are too large, else ``raise``."""
    for evidence in finding.evidence:
        if evidence.metric == m.UPDATE_RATIO and evidence.expected.startswith("<="):
            return "lower"
    return "raise"


intervention(
    "lower-learning-rate", {"ND202", "ND205", "ND206", "ND303", "ND403"}, "divide the learning rate by 10"
)(_learning_rate(LOWER, "lower"))


@intervention("remove-clipping", {"ND204", "ND205", "ND207"}, "remove the optimizer's gradient clipping")
def _remove_clipping(finding: Finding, rec: Recording) -> Planned | str:
    clipping = rec.meta.get(m.OPTIMIZER_CLIPPING) or {}
    if not clipping:
        return "the optimizer does not clip its gradients"
    if finding.code == "ND205" and _update_direction(finding) != "raise":
        return "the updates are not too small"
    limits = ", ".join(f"{name}={value:g}" for name, value in clipping.items())
    return Planned("remove-clipping", {"clipping": sorted(clipping)}, f"remove the clipping ({limits})")


intervention("raise-learning-rate", {"ND205", "ND207"}, "multiply the learning rate by 10")(
    _learning_rate(RAISE, "raise")
)


@intervention("default-betas", {"ND210"}, "set Adam's betas to its defaults, 0.9 and 0.999")
def _default_betas(finding: Finding, rec: Recording) -> Planned | str:
    betas = rec.meta.get(m.ADAM_BETAS)
    if not betas:
        return "the optimizer has no Adam betas"
    return Planned(
        "default-betas",
        {"betas": list(ADAM_BETAS)},
        f"beta_1={betas[0]:g} -> {ADAM_BETAS[0]:g}, beta_2={betas[1]:g} -> {ADAM_BETAS[1]:g}",
    )


@intervention(
    "standardize-inputs", {"ND601"}, "scale the inputs: pixels / 255, other features to mean 0, std 1"
)
def _standardize(finding: Finding, rec: Recording) -> Planned | str:
    stats = rec.meta.get(m.INPUT_STATS) or {}
    shape = rec.meta.get(m.INPUT_SHAPE)
    if loop(rec) in readings.CUSTOM_LOOPS and not _keras_model(rec):
        return "the loop feeds its inputs to hand-written operations"
    _, scaling = readings.model_input_stats(rec)
    layers = [rec.layer(name) for name in scaling]
    rescaling = ", ".join(f"`{layer.name}`" for layer in layers if layer and layer.kind not in readings.NORMALIZING)
    if rescaling:
        return f"the model rescales its inputs itself ({rescaling}): the fix is there or in the preprocessing before it"
    low, high = stats.get("min"), stats.get("max")
    size = int(math.prod(shape)) if shape else None
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and 0 <= low and 1 < high <= 255:
        return Planned(
            "standardize-inputs", {"scale": 1 / 255, "input_size": size}, "divide the inputs by 255"
        )
    return Planned(
        "standardize-inputs",
        {"standardize": True, "input_size": size},
        "standardize each input feature (mean 0, std 1 on the training data)",
    )


@intervention("shuffle", {"ND602"}, "shuffle the training data")
def _shuffle(finding: Finding, rec: Recording) -> Planned | str:
    if loop(rec) == "netdoctor":
        return "netdoctor already shuffles the data it trains on"
    if loop(rec) == "session":
        return "the session is fed batches the script makes itself"
    return Planned(
        "shuffle", {"buffer": int(rec.meta.get(m.TRAIN_EXAMPLES) or 10_000)}, "shuffle the training data"
    )


@intervention("reduce-dropout", {"ND506"}, f"lower every dropout rate to {DROPOUT_RATE}")
def _reduce_dropout(finding: Finding, rec: Recording) -> Planned | str:
    heavy = [layer.name for layer in rec.layers if (layer.dropout or 0) > DROPOUT_RATE]
    if loop(rec) == "session":
        return Planned(
            "reduce-dropout",
            {"rate": DROPOUT_RATE, "names": []},
            f"drop at most {DROPOUT_RATE:.0%} in tf.nn.dropout",
        )
    if not heavy:
        return "no dropout layer drops more than that"
    return Planned(
        "reduce-dropout",
        {"rate": DROPOUT_RATE, "names": heavy},
        f"dropout rate {DROPOUT_RATE} in {_names(heavy)}",
    )


@intervention("reduce-regularization", {"ND507"}, "scale the weight penalties by 0.01")
def _reduce_regularization(finding: Finding, rec: Recording) -> Planned | str:
    if not _keras_model(rec):
        return "the penalty is written in the program's loss"
    layers = [layer.name for layer in rec.layers if layer.l1 or layer.l2]
    if not layers:
        return "no layer has a kernel regularizer"
    return Planned(
        "reduce-regularization",
        {"factor": REGULARIZATION_FACTOR, "names": layers},
        f"weight penalties x {REGULARIZATION_FACTOR:g} in {_names(layers)}",
    )


@intervention("smaller-batch", {"ND508"}, f"train on batches of {SMALL_BATCH}")
def _smaller_batch(finding: Finding, rec: Recording) -> Planned | str:
    if loop(rec) != "fit":
        return "the batches are made by the program's own loop"
    batch = rec.meta.get(m.BATCH_SIZE)
    factor = batch / SMALL_BATCH if isinstance(batch, (int, float)) and batch > SMALL_BATCH else 1.0
    return Planned(
        "smaller-batch",
        {"batch": SMALL_BATCH, "steps_factor": factor},
        f"batch_size={SMALL_BATCH} in fit() (as many examples: {factor:.3g}x the steps)",
    )


@intervention("drop-non-finite", {"ND603"}, "leave out the examples with NaN or Inf values")
def _drop_non_finite(finding: Finding, rec: Recording) -> Planned | str:
    if loop(rec) not in ("netdoctor", "fit"):
        return "the batches are made by the program's own loop"
    return Planned("drop-non-finite", {}, "leave out the examples with NaN or Inf")


@intervention("apply-gradients", {"ND208"}, "apply the computed gradients with the program's optimizer")
def _apply_gradients(finding: Finding, rec: Recording) -> Planned | str:
    if loop(rec) not in readings.CUSTOM_LOOPS:
        return "only custom loops compute gradients by hand"
    if any(evidence.metric == "training_passes" for evidence in finding.evidence):
        return "the gradients are applied; the batches between two of them are what the loop never uses"
    return Planned("apply-gradients", {}, "apply the computed gradients with the program's optimizer")


@intervention("descend", {"ND209"}, "flip the sign of the hand-written updates")
def _descend(finding: Finding, rec: Recording) -> Planned | str:
    if not _hand_written(rec):
        return "the updates are made by an optimizer, whose sign cannot be flipped from outside"
    return Planned("descend", {"factor": -1.0}, "subtract the gradient step instead of adding it")
