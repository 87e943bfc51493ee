"""ND2xx: gradients. Too small to move the early layers, too large to stay stable, or absent."""

from __future__ import annotations

import math
from typing import Iterator

import numpy as np

from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import LayerInfo, Recording
from netdoctor.rules import symptoms
from netdoctor.rules.init import INIT_FIX
from netdoctor.rules.registry import RuleContext, rule

SATURATING = ("sigmoid", "tanh")


def _kernel_variable(rec: Recording, layer: str) -> str | None:
    """Name of the layer's kernel variable, when the recording lists it."""
    return next(
        (v["name"] for v in rec.variables if v.get("layer") == layer and v.get("role") == "kernel"),
        None,
    )


def _describe(rec: Recording, layer: LayerInfo) -> str:
    variable = _kernel_variable(rec, layer.name)
    return f"layer `{layer.name}` (`{variable}`)" if variable else f"layer `{layer.name}`"


@rule(
    "ND201",
    "vanishing-gradients",
    Severity.ERROR,
    "The gradients reaching the early layers are too small to change their weights.",
    max_norm=1e-4,
    max_ratio=1e-3,
    min_fraction=0.5,
)
def vanishing_gradients(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag early layers whose kernel gradient is negligible next to the last layer's.

    **What it checks.** For every kernel layer before the last one, the L2 norm of its kernel's
    gradient at each sample. A sample counts as vanishing when the norm is below ``max_norm``
    *and* below ``max_ratio`` times the last kernel layer's norm at the same step (AUTOTRAINER's
    beta_2 and beta_1). The rule fires when more than ``min_fraction`` of the samples vanish.
    Gradients that are exactly zero are left to ND203 (missing-gradients).

    **Why it matters.** Backpropagation multiplies the gradient by each layer's Jacobian on its
    way to the input. Saturated sigmoid or tanh units (slope <= 0.25) and badly scaled weights
    shrink it geometrically with depth, so the first layers, which must learn the basic features,
    barely move while the last layer trains alone.

    **Example.** Eight ``Dense(32, activation="sigmoid")`` layers: the first layer's gradient
    norm is about 1e-7 while the output layer's is about 0.5.

    **Fix.** Use ReLU-family activations in hidden layers, He initialization
    (``kernel_initializer="he_normal"``), and ``BatchNormalization`` between layers; for very deep
    models add skip connections.

    **Options.** ``max_norm`` (default 1e-4): gradient norm below which a layer is negligible.
    ``max_ratio`` (default 1e-3): ratio to the last layer's norm below which it is negligible.
    ``min_fraction`` (default 0.5): share of samples that must vanish.
    """
    layers = [layer for layer in rec.kernel_layers if layer.trainable]
    if len(layers) < 2 or not rec.samples:
        return
    last = layers[-1]
    reference = rec.layer_series(last.name, "grad_norm")
    steps = rec.sample_steps
    affected = []  # (layer, vanishing mask, recorded count)
    for layer in layers[:-1]:
        norms = rec.layer_series(layer.name, "grad_norm")
        recorded = np.isfinite(norms) & np.isfinite(reference)
        if not recorded.any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = norms / reference
        vanishing = recorded & (norms > 0) & (norms < ctx["max_norm"]) & (ratio < ctx["max_ratio"])
        if vanishing.sum() > ctx["min_fraction"] * recorded.sum():
            affected.append((layer, vanishing, int(recorded.sum())))
    if not affected:
        return

    layer, vanishing, recorded = affected[0]
    share = int(vanishing.sum()) / recorded
    norms = rec.layer_series(layer.name, "grad_norm")[vanishing]
    median = float(np.median(norms))
    last_median = float(np.median(reference[vanishing]))
    ratio = median / last_median
    others = ", ".join(
        f"`{other.name}` (median {np.median(rec.layer_series(other.name, 'grad_norm')[mask]):.2g})"
        for other, mask, _ in affected[1:]
    )
    severity, outcome = symptoms.gated(rec)
    message = (
        f"gradients vanish before reaching {_describe(rec, layer)}: its gradient norm is "
        f"negligible in {int(vanishing.sum())} of {recorded} samples, median {median:.2g}, "
        f"{ratio:.2g} x the last layer `{last.name}`'s (median {last_median:.2g}); expected "
        f"> {ctx['max_norm']:.3g} and > {ctx['max_ratio']:.3g} x the last layer's."
    )
    if others:
        message += f" Also vanishing: {others}."
    saturating = [h.name for h in layers[:-1] if h.activation in SATURATING]
    fix = (
        "Use ReLU-family activations in hidden layers, He initialization "
        "(kernel_initializer='he_normal'), and BatchNormalization() between layers; for very "
        "deep models add skip connections."
    )
    if saturating:
        fix = f"Replace sigmoid/tanh in the hidden layers {_names(saturating)} with 'relu'. " + fix
    yield ctx.finding(
        f"{message} {outcome}",
        fix,
        severity=severity,
        layer=layer.name,
        step=int(steps[vanishing][-1]),
        source=layer.source,
        evidence=[
            Evidence("grad_norm", median, f"> {ctx['max_norm']:.3g}", layer.name),
            Evidence("grad_norm_ratio_to_last", ratio, f"> {ctx['max_ratio']:.3g}", layer.name),
            Evidence("vanishing_fraction", share, f"<= {ctx['min_fraction']:.3g}", layer.name),
        ],
    )


def _nonfinite_steps(rec: Recording, layer: str) -> list[int]:
    """Sampled steps at which the layer's gradient norm was recorded as NaN or infinite."""
    steps = []
    for sample in rec.samples:
        value = sample.get("layers", {}).get(layer, {}).get("grad_norm")
        if value is not None and not math.isfinite(float(value)):
            steps.append(int(sample["step"]))
    return steps


@rule(
    "ND202",
    "exploding-gradients",
    Severity.ERROR,
    "Gradient norms are huge, grow without bound, or overflow to Inf/NaN.",
    max_norm=1e3,
    max_growth=1e3,
)
def exploding_gradients(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag kernel gradients that are very large, keep growing, or stop being finite.

    **What it checks.** The L2 norm of every trainable kernel's gradient at each sample. A layer
    explodes when its norm exceeds ``max_norm`` at some sample, when the median norm over the last
    third of the samples is more than ``max_growth`` times the first non-zero norm (growth that
    lasts, not a single spike), or when the norm is recorded as NaN or Inf. One finding names the
    worst layer (the first to overflow, else the largest norm) and lists the others.

    **Why it matters.** An update of ``learning_rate * gradient`` that is large next to the
    weights throws them far from where the gradient was measured; the loss jumps up, the next
    gradient is larger still, and within a few steps the weights overflow to Inf and the loss to
    NaN.

    **Example.** ``SGD(learning_rate=10.0)`` on an MLP, or unnormalized inputs in 0..255 with MSE
    on targets in the thousands.

    **Fix.** Lower the learning rate, clip gradients (``Adam(clipnorm=1.0)``), normalize inputs
    and regression targets, and add ``BatchNormalization``.

    **Options.** ``max_norm`` (default 1e3): largest acceptable gradient norm.
    ``max_growth`` (default 1e3): largest acceptable growth of the norm from the first sample to
    the last third of the run.
    """
    steps = rec.sample_steps
    exploding = []  # (rank key, layer, sentence, evidence)
    for layer in rec.kernel_layers:
        if not layer.trainable:
            continue
        norms = rec.layer_series(layer.name, "grad_norm")
        overflow = _nonfinite_steps(rec, layer.name)
        finite = np.isfinite(norms)
        clauses, evidence = [], []
        if overflow:
            clauses.append(f"became non-finite at step {overflow[0]}")
            evidence.append(Evidence("grad_norm", "non-finite", "finite", layer.name, overflow[0]))
        peak = float(np.max(norms[finite])) if finite.any() else math.nan
        if peak > ctx["max_norm"]:
            peak_step = int(steps[finite][np.argmax(norms[finite])])
            clauses.append(f"reached {peak:.3g} at step {peak_step} (expected < {ctx['max_norm']:.3g})")
            evidence.append(
                Evidence("grad_norm", peak, f"< {ctx['max_norm']:.3g}", layer.name, peak_step)
            )
        positive = np.flatnonzero(finite & (norms > 0))
        if positive.size >= 2:
            first = positive[0]
            tail = positive[-max(1, positive.size // 3):]
            growth = float(np.median(norms[tail])) / norms[first]
            if growth > ctx["max_growth"]:
                clauses.append(
                    f"grew from {norms[first]:.3g} at step {steps[first]} to a median of "
                    f"{np.median(norms[tail]):.3g} over steps {steps[tail[0]]}-{steps[tail[-1]]} "
                    f"(x{growth:.3g}, expected < x{ctx['max_growth']:.3g})"
                )
                evidence.append(
                    Evidence("grad_norm_growth", growth, f"< {ctx['max_growth']:.3g}", layer.name)
                )
        if clauses:
            rank = (0, overflow[0], 0.0) if overflow else (1, 0, -peak)
            exploding.append((rank, layer, "; ".join(clauses), evidence))
    if not exploding:
        return

    exploding.sort(key=lambda item: item[0])
    _, layer, sentence, evidence = exploding[0]
    message = f"gradients explode: the gradient norm of {_describe(rec, layer)} {sentence}."
    if len(exploding) > 1:
        message += f" Also exploding: {_names([other.name for _, other, _, _ in exploding[1:]])}."
    severity, outcome = symptoms.gated(rec)
    yield ctx.finding(
        f"{message} {outcome}",
        "Lower the learning rate (try 10x smaller), clip gradients in the optimizer "
        "(e.g. keras.optimizers.Adam(learning_rate=1e-3, clipnorm=1.0)), normalize inputs and "
        "regression targets, and add BatchNormalization() between layers.",
        severity=severity,
        layer=layer.name,
        step=evidence[0].step,
        source=layer.source,
        evidence=evidence,
    )


@rule(
    "ND203",
    "missing-gradients",
    Severity.ERROR,
    "A trainable variable gets no gradient (None) or a gradient that is always exactly zero.",
)
def missing_gradients(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag trainable variables that training can never change.

    **What it checks.** Every trainable variable whose gradient was ``None`` (the loss does not
    depend on it) or whose gradient norm is exactly 0 at every sample. One finding per layer,
    naming its variables.

    **Why it matters.** A variable without gradient keeps its initial value for the whole run:
    the layer is dead weight, and whatever it was meant to learn is never learned. ``None``
    means the variable is cut off from the loss (a layer built but never called, a
    ``tf.stop_gradient``, an op with no gradient such as ``argmax`` or a cast to int). An
    always-zero gradient usually means zero-initialized ReLU layers: every unit outputs
    ``relu(0) = 0``, and the ReLU passes no gradient at 0.

    **Example.** ``Dense(16, activation="relu", kernel_initializer="zeros")``: the kernels and
    biases of the hidden layers get a gradient of exactly 0 at every step.

    **Fix.** Initialize kernels randomly (``he_normal`` for ReLU); make sure each trainable
    variable takes part in computing the loss, or set ``trainable=False`` on it.
    """
    steps = rec.sample_steps
    by_layer: dict[str | None, list[tuple[str, str]]] = {}  # layer -> [(variable, "missing"|"zero")]
    for variable in rec.variables:
        layer = rec.layer(variable.get("layer") or "")
        if layer is not None and not layer.trainable:
            continue
        name = variable["name"]
        if variable.get("gradient") == "missing":
            by_layer.setdefault(variable.get("layer"), []).append((name, "missing"))
            continue
        norms = rec.variable_series(name, "grad_norm")
        recorded = norms[np.isfinite(norms)]
        if recorded.size and np.all(recorded == 0):
            by_layer.setdefault(variable.get("layer"), []).append((name, "zero"))
    if not by_layer:
        return

    zero_relu = [
        layer.name
        for layer in rec.kernel_layers
        if layer.activation == "relu" and _zero_at_start(rec, layer.name)
    ]
    severity, outcome = symptoms.gated(rec)
    for layer_name, variables in by_layer.items():
        missing = [name for name, kind in variables if kind == "missing"]
        zero = [name for name, kind in variables if kind == "zero"]
        parts = []
        if missing:
            parts.append(f"{_names(missing)} {_get(missing)} no gradient at all (None)")
        if zero:
            parts.append(
                f"{_names(zero)} {_get(zero)} a gradient of exactly 0 at all {len(steps)} samples "
                f"(steps {steps[0]}-{steps[-1]})"
            )
        prefix = f"layer `{layer_name}`: " if layer_name else ""
        message = f"{prefix}{'; '.join(parts)}, so these weights never change from their initial values."
        if zero and zero_relu:
            message += (
                f" ReLU passes no gradient at 0, and {_names(zero_relu)} start with all-zero "
                "kernels: this is what zero initialization causes."
            )
        fix = (
            INIT_FIX
            if zero and zero_relu and not missing
            else "Make sure every trainable variable takes part in computing the loss: a layer "
            "built but never called, tf.stop_gradient, an op without gradient (argmax, round, a "
            "cast to int) or NumPy code inside the model cuts the gradient. Set trainable=False on "
            "weights that should stay fixed."
        )
        layer = rec.layer(layer_name or "")
        yield ctx.finding(
            f"{message} {outcome}",
            fix,
            severity=severity,
            layer=layer_name,
            source=layer.source if layer else None,
            evidence=[
                *(Evidence(f"gradient of {name}", "None", "a tensor", layer_name) for name in missing),
                *(Evidence(f"grad_norm of {name}", 0.0, "> 0 somewhere", layer_name) for name in zero),
            ],
        )


def _zero_at_start(rec: Recording, layer: str) -> bool:
    low = rec.layer_series(layer, "kernel_min")
    high = rec.layer_series(layer, "kernel_max")
    return bool(low.size) and low[0] == 0 and high[0] == 0


def _names(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _get(names: list[str]) -> str:
    return "gets" if len(names) == 1 else "get"
