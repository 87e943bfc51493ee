"""ND2xx: gradients. Too small to move the early layers, too large to stay stable, or absent."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from netdoctor import metrics as m
from netdoctor import readings
from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import LayerInfo, Recording
from netdoctor.rules.init import init_fix
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
    tier="mechanism",
    gated=True,
    explained_by={"ND101", "ND103", "ND302", "ND507", "ND506"},
    requires={m.GRAD_NORM},
    central=True,
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
    reference = rec.layer_series(last.name, m.GRAD_NORM)
    steps = rec.sample_steps
    affected = []  # (layer, vanishing mask, recorded count)
    for layer in layers[:-1]:
        norms = rec.layer_series(layer.name, m.GRAD_NORM)
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
    norms = rec.layer_series(layer.name, m.GRAD_NORM)[vanishing]
    median = float(np.median(norms))
    last_median = float(np.median(reference[vanishing]))
    ratio = median / last_median
    others = ", ".join(
        f"`{other.name}` (median {np.median(rec.layer_series(other.name, m.GRAD_NORM)[mask]):.2g})"
        for other, mask, _ in affected[1:]
    )
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
        message,
        fix,
        layer=layer.name,
        step=int(steps[vanishing][-1]),
        source=layer.source,
        evidence=[
            Evidence(m.GRAD_NORM, median, f"> {ctx['max_norm']:.3g}", layer.name),
            Evidence("grad_norm_ratio_to_last", ratio, f"> {ctx['max_ratio']:.3g}", layer.name),
            Evidence("vanishing_fraction", share, f"<= {ctx['min_fraction']:.3g}", layer.name),
        ],
    )


def _nonfinite_steps(rec: Recording, layer: str) -> list[int]:
    """Sampled steps at which the layer's gradient norm was recorded as NaN or infinite."""
    steps = []
    for sample in rec.samples:
        value = sample.get(m.SAMPLE_LAYERS, {}).get(layer, {}).get(m.GRAD_NORM)
        if value is not None and not math.isfinite(float(value)):
            steps.append(int(sample[m.STEP]))
    return steps


@rule(
    "ND202",
    "exploding-gradients",
    Severity.ERROR,
    "Gradient norms are huge, grow without bound, or overflow to Inf/NaN.",
    tier="mechanism",
    gated=True,
    explained_by={"ND103", "ND601", "ND206", "ND210", "ND603", "ND506"},
    requires={m.GRAD_NORM},
    central=True,
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
        norms = rec.layer_series(layer.name, m.GRAD_NORM)
        overflow = _nonfinite_steps(rec, layer.name)
        finite = np.isfinite(norms)
        clauses, evidence = [], []
        if overflow:
            clauses.append(f"became non-finite at step {overflow[0]}")
            evidence.append(Evidence(m.GRAD_NORM, "non-finite", "finite", layer.name, overflow[0]))
        peak = float(np.max(norms[finite])) if finite.any() else math.nan
        if peak > ctx["max_norm"]:
            peak_step = int(steps[finite][np.argmax(norms[finite])])
            clauses.append(f"reached {peak:.3g} at step {peak_step} (expected < {ctx['max_norm']:.3g})")
            evidence.append(
                Evidence(m.GRAD_NORM, peak, f"< {ctx['max_norm']:.3g}", layer.name, peak_step)
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
    yield ctx.finding(
        message,
        "Lower the learning rate (try 10x smaller), clip gradients in the optimizer "
        "(e.g. keras.optimizers.Adam(learning_rate=1e-3, clipnorm=1.0)), normalize inputs and "
        "regression targets, and add BatchNormalization() between layers.",
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
    tier="mechanism",
    gated=True,
    explained_by={"ND101", "ND301"},
    requires={m.GRAD_NORM, m.VARIABLES},
    central=True,
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
    trained = _trained_variables(rec)
    for variable in trained:
        name = variable["name"]
        if variable.get("gradient") == "missing":
            by_layer.setdefault(variable.get("layer"), []).append((name, "missing"))
            continue
        norms = rec.variable_series(name, m.GRAD_NORM)
        recorded = norms[np.isfinite(norms)]
        if recorded.size and np.all(recorded == 0):
            by_layer.setdefault(variable.get("layer"), []).append((name, "zero"))
    if not by_layer:
        return
    if rec.meta.get(m.LOOP) in readings.CUSTOM_LOOPS and trained and all(v.get("gradient") == "missing" for v in trained):
        yield _no_gradient_at_all(rec, ctx, [v["name"] for v in trained])
        return

    zero_relu = [
        layer.name
        for layer in rec.kernel_layers
        if layer.activation == "relu" and _zero_at_start(rec, layer.name)
    ]
    for layer_name, variables in by_layer.items():
        missing = [name for name, kind in variables if kind == "missing"]
        zero = [name for name, kind in variables if kind == "zero"]
        parts = []
        if missing:
            parts.append(f"no gradient at all (None) for {_names(missing)}")
        if zero:
            parts.append(
                f"a gradient of exactly 0 at all {len(steps)} samples (steps {steps[0]}-{steps[-1]}) "
                f"for {_names(zero)}"
            )
        where = f" in layer `{layer_name}`" if layer_name else ""
        message = f"{'; '.join(parts)}{where}: these weights never change from their initial values."
        if zero and zero_relu:
            message += (
                f" ReLU passes no gradient at 0, and {_names(zero_relu)} start with all-zero "
                "kernels: this is what zero initialization causes."
            )
        fix = (
            init_fix(rec)
            if zero and zero_relu and not missing
            else "Make sure every trainable variable takes part in computing the loss: a layer "
            "built but never called, tf.stop_gradient, an op without gradient (argmax, round, a "
            "cast to int) or NumPy code inside the model cuts the gradient. Set trainable=False on "
            "weights that should stay fixed."
        )
        layer = rec.layer(layer_name or "")
        yield ctx.finding(
            message,
            fix,
            layer=layer_name,
            source=layer.source if layer else None,
            certain=bool(missing),  # no gradient path at all is a defect whatever the outcome
            evidence=[
                *(Evidence(f"gradient of {name}", "None", "a tensor", layer_name) for name in missing),
                *(Evidence(f"grad_norm of {name}", 0.0, "> 0 somewhere", layer_name) for name in zero),
            ],
        )


def _trained_variables(rec: Recording) -> list[dict]:
    """The recorded variables, less those of layers set trainable=False."""
    layers = [rec.layer(variable.get("layer") or "") for variable in rec.variables]
    return [v for v, layer in zip(rec.variables, layers) if layer is None or layer.trainable]


def _no_gradient_at_all(rec: Recording, ctx: RuleContext, variables: list[str]) -> Finding:
    """Every variable of a custom loop got None: the loss the tape saw does not reach any of them."""
    shown = variables[:4]
    more = f" and {len(variables) - len(shown)} more" if len(variables) > len(shown) else ""
    return ctx.finding(
        f"none of the {len(variables)} trained variables gets a gradient: GradientTape.gradient "
        f"returned None for every one ({_names(shown)}{more}), so the loss the tape was asked "
        "about does not depend on them as the tape recorded it. The usual cause is a loss "
        "computed after the `with tf.GradientTape() as tape:` block: only what runs inside the "
        "block is recorded.",
        "Compute the loss inside the tape's block, from the model's output: `with "
        "tf.GradientTape() as tape: logits = model(x, training=True); loss = loss_fn(y, "
        "logits)`, then call tape.gradient(loss, model.trainable_variables) after the block.",
        certain=True,
        evidence=[Evidence(f"gradient of {name}", "None", "a tensor") for name in shown],
    )


def _zero_at_start(rec: Recording, layer: str) -> bool:
    low = rec.layer_series(layer, m.KERNEL_MIN)
    high = rec.layer_series(layer, m.KERNEL_MAX)
    return bool(low.size) and low[0] == 0 and high[0] == 0


def _names(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _get(names: list[str]) -> str:
    return "gets" if len(names) == 1 else "get"


@rule(
    "ND204",
    "frozen-weights",
    Severity.ERROR,
    "A trainable layer's weights stop changing although they get a gradient.",
    tier="cause",
    gated=True,
    requires={m.UPDATE_NORM, m.GRAD_NORM},
    min_fraction=0.5,
)
def frozen_weights(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag trainable layers whose weights stay exactly the same while their gradient is not zero.

    **What it checks.** The norm of each trainable kernel's update (weights after the step minus
    before) at every sample. A layer is frozen from the first sample after which every update is
    exactly 0 while its gradient norm is above 0. It fires when that frozen stretch covers at
    least ``min_fraction`` of the steps run. Gradients of exactly 0 are left to ND203
    (missing-gradients) and ND301 (dead-relu); updates that are tiny but not 0 to ND205.

    **Why it matters.** The gradient says where the weights should go, but nothing moves them: the
    learning rate has reached 0 (a schedule that decays far too fast, or ``learning_rate=0``),
    the step ``learning_rate * gradient`` is below the float32 resolution of the weights (about
    1e-7 of their size) and rounds away, or a constraint puts them back. A layer that should
    stay fixed says so with ``trainable=False``; one that silently does not move is a bug.

    **Example.** ``ExponentialDecay(0.05, decay_steps=1, decay_rate=0.5)``: the learning rate
    halves every step, and from step 32 on no weight changes at all.

    **Fix.** Check the learning rate and its schedule (``decay_steps`` is counted in steps, so
    decays are usually set over thousands); if the layer should not train, set
    ``layer.trainable = False``.

    **Options.** ``min_fraction`` (default 0.5): share of the steps run that the frozen stretch
    must cover.
    """
    if _updates(rec) and int(_updates(rec).get("applied", 0)) == 0:
        return  # nothing was ever applied: ND208 says so
    if rec.kernel_layers and not any(layer.trainable for layer in rec.kernel_layers):
        yield _all_frozen(rec, ctx)
        return
    steps = rec.sample_steps
    frozen = []  # (layer, first frozen sample index, median gradient norm)
    for layer in rec.kernel_layers:
        if not layer.trainable:
            continue
        update = rec.layer_series(layer.name, m.UPDATE_NORM)
        gradient = rec.layer_series(layer.name, m.GRAD_NORM)
        known = np.flatnonzero(np.isfinite(update))
        moving = known[update[known] != 0]
        stretch = known[known > moving[-1]] if moving.size else known
        if not stretch.size or not np.all(gradient[stretch] > 0):
            continue
        if rec.steps - steps[stretch[0]] < ctx["min_fraction"] * rec.steps:
            continue
        frozen.append((layer, int(stretch[0]), float(np.median(gradient[stretch]))))
    if not frozen:
        return

    layer, start, pull = frozen[0]
    since, last = int(steps[start]), int(steps[-1])
    message = (
        f"the weights of {_describe(rec, layer)} have not changed since step {since}"
        f"{' (the first sample)' if start == 0 else ''}, through step {last}, although their "
        f"gradient norm is {pull:.3g} (median): the optimizer's updates are exactly 0."
    )
    if len(frozen) > 1:
        message += f" Also frozen: {_names([other.name for other, _, _ in frozen[1:]])}."
    trainable = [lay for lay in rec.kernel_layers if lay.trainable]
    if len(frozen) == len(trainable):
        message += (
            " Every trainable layer is frozen, so the learning rate is the suspect (the optimizer "
            f"started as {_optimizer(rec)}): a schedule that decays to 0, or steps below the "
            "float32 resolution of the weights, freeze them."
        )
    else:
        message += " Other layers still train: a constraint or a custom step holds these in place."
    yield ctx.finding(
        message,
        "Check the learning rate and its schedule: decay_steps counts steps, so a decay is usually "
        "spread over thousands of them; keep learning_rate * gradient above ~1e-6 of the weights. "
        "If a layer should not train, set layer.trainable = False.",
        layer=layer.name,
        step=since,
        source=layer.source,
        evidence=[
            Evidence(m.UPDATE_NORM, 0.0, "> 0", other.name, int(steps[first]))
            for other, first, _ in frozen
        ],
    )


def _all_frozen(rec: Recording, ctx: RuleContext) -> Finding:
    """Every layer with weights is set trainable=False: there is nothing to train."""
    layers = rec.kernel_layers
    return ctx.finding(
        f"every layer with weights is frozen (trainable=False): {_names([layer.name for layer in layers[:6]])}"
        f"{' and more' if len(layers) > 6 else ''}. The model has no trainable weights, so training "
        "changes nothing and the model keeps its initial (or pretrained) weights, its new layers "
        "included.",
        "Freeze only the layers meant to stay fixed (e.g. `encoder.trainable = False` on the "
        "pretrained part), keep the new layers trainable, and compile after changing `trainable`; "
        "model.summary() shows the trainable parameter count.",
        layer=layers[0].name,
        source=layers[-1].source,
        certain=True,
        evidence=[Evidence("trainable_layers", 0, f">= 1 of {len(layers)}")],
    )


@rule(
    "ND205",
    "update-ratio",
    Severity.ERROR,
    "The per-step update is far too small or too large next to the weights it changes.",
    tier="mechanism",
    gated=True,
    explained_by={"ND101", "ND103", "ND206", "ND207", "ND210", "ND601", "ND507"},
    requires={m.UPDATE_RATIO},
    min_ratio=1e-5,
    max_ratio=0.1,
    warmup=0.1,
)
def update_ratio(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a learning rate that moves the weights far too little or far too much at each step.

    **What it checks.** The update ratio ``||dW|| / ||W||`` of each trainable kernel (the norm of
    one step's change over the norm of the weights), as its median over the samples after the
    first ``warmup`` share of the steps. It fires "too small" when every layer's median is below
    ``min_ratio``, and "too large" when any layer's median is above ``max_ratio``. Updates of
    exactly 0 are left to ND204 (frozen-weights).

    **Why it matters.** A healthy step changes the weights by about a thousandth of their size
    (1e-3). A hundred times less and training barely moves in any reasonable number of steps;
    a hundred times more and each step throws the weights far from where the gradient was
    measured, so the loss oscillates, rises or turns to NaN. One learning rate sets the ratio
    of every layer, so a network-wide low ratio points at it; a single layer far too high is
    enough to destabilize training.

    **Example.** ``SGD(learning_rate=1e-5)`` on an MNIST MLP: the median ratio is 1e-6 and the
    loss stays at 2.40 for 300 steps.

    **Fix.** Too small: raise the learning rate (``SGD`` 0.01-0.1, ``Adam`` 1e-3). Too large:
    lower it 3-10x, clip gradients (``clipnorm=1.0``), and normalize inputs and targets.

    **Options.** ``min_ratio`` (default 1e-5) and ``max_ratio`` (default 0.1): the healthy band,
    100x either side of 1e-3 (TheDeepChecker uses 1e-4..1e-1, SageMaker Debugger 1e-8..10).
    ``warmup`` (default 0.1): the share of the first steps left out.
    """
    steps = rec.sample_steps
    later = steps >= ctx["warmup"] * rec.steps
    medians = {}  # layer -> median ratio after the warmup
    for layer in rec.kernel_layers:
        ratio = rec.layer_series(layer.name, m.UPDATE_RATIO)[later] if layer.trainable else np.zeros(0)
        gradient = rec.layer_series(layer.name, m.GRAD_NORM)[later] if layer.trainable else np.zeros(0)
        moving = ratio[np.isfinite(ratio) & (ratio > 0) & ~(gradient == 0)]  # no gradient: ND203's
        if moving.size:
            medians[layer.name] = float(np.median(moving))
    if not medians:
        return
    low, high = ctx["min_ratio"], ctx["max_ratio"]
    since = int(steps[later][0])
    if all(value < low for value in medians.values()):
        worst = min(medians, key=medians.get)
        yield ctx.finding(
            f"the weights barely move: the median update ratio ||dW||/||W|| from step {since} on "
            f"is {_ratios(medians)}; expected {low:.3g} to {high:.3g} (about 1e-3 is typical), so "
            f"each step changes the weights by about {medians[worst]:.1g} of their size. The "
            f"optimizer is {_optimizer(rec)}.",
            "Raise the learning rate (SGD: 0.01-0.1; Adam: 1e-3), or use Adam, which scales its "
            "steps to the gradient.",
            layer=worst,
            evidence=[Evidence(m.UPDATE_RATIO, v, f">= {low:.3g}", name) for name, v in medians.items()],
        )
    large = {name: value for name, value in medians.items() if value > high}
    if large:
        worst = max(large, key=large.get)
        yield ctx.finding(
            f"the weights are thrown around: the median update ratio ||dW||/||W|| from step "
            f"{since} on is {_ratios(large)}; expected {low:.3g} to {high:.3g} (about 1e-3 is "
            f"typical), so each step changes `{worst}` by {large[worst]:.0%} of its size. The optimizer "
            f"is {_optimizer(rec)}.",
            "Lower the learning rate 3-10x, clip gradients (keras.optimizers.Adam(clipnorm=1.0)), "
            "and normalize the inputs and regression targets.",
            layer=worst,
            evidence=[Evidence(m.UPDATE_RATIO, v, f"<= {high:.3g}", name) for name, v in large.items()],
        )


def _early(rec: Recording, share: float) -> np.ndarray:
    """Which samples fall in the first ``share`` of the run (at least the first five)."""
    steps = rec.sample_steps
    return (steps <= max(share * rec.steps, steps[min(4, steps.size - 1)])) if steps.size else steps.astype(bool)


@rule(
    "ND206",
    "learning-rate-too-high",
    Severity.ERROR,
    "The learning rate is too high for the optimizer: huge first updates, a loss spike, units killed early.",
    tier="cause",
    gated=True,
    explained_by={"ND601"},
    requires={m.UPDATE_RATIO},
    max_ratio=0.1,
    spike=3.0,
    early=0.1,
    adaptive_factor=10.0,
    plain_factor=100.0,
)
def learning_rate_too_high(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a learning rate whose first steps throw the network off.

    **What it checks.** Four signs, read in the first ``early`` share of the run (at least its
    first five samples): a layer whose median update ratio ``||dW|| / ||W||`` is above
    ``max_ratio`` (each step changes the weights by more than a tenth of their size); a loss
    that spikes above ``spike`` times its first value, or turns NaN; ReLU layers alive at the
    start and mostly dead soon after; and a rate far above the optimizer's default: an adaptive
    optimizer (Adam, RMSprop, ...) at ``adaptive_factor`` times its default or more, plain SGD
    whose effective rate (with momentum) is ``plain_factor`` times SGD's default or more. It fires on two signs (one of them measured), or on one
    measured sign together with the rate. Where the inputs themselves are far from normalized
    (ND601), which throws the first steps off at any rate, it needs the rate to be high.

    **Why it matters.** An adaptive optimizer moves every weight by about the learning rate at
    every step, whatever its gradient: at 0.1 that is the size of the weights themselves, so the
    first steps scramble what initialization set up. ReLU units pushed negative for every input
    die and never recover; the loss jumps and then settles at a plateau far above what the model
    could reach. The run looks like it learns ("above chance"), but badly. SGD with momentum m
    takes steps that add up to ``learning_rate / (1 - m)``: at m = 0.99 a hundred times the rate.

    **Example.** ``Adam(learning_rate=0.1)`` on an MNIST MLP: update ratio 1.2 at step 1, 80% of
    the hidden units dead by step 16, held-out accuracy 0.37 where a linear model reaches 0.82.

    **Fix.** Lower the learning rate 10x (Keras's defaults: Adam and RMSprop 1e-3, SGD 0.01), or
    warm it up with a schedule.

    **Options.** ``max_ratio`` (default 0.1, TheDeepChecker's upper bound), ``spike`` (default 3),
    ``early`` (default 0.1): the share of the run read as its start.
    ``adaptive_factor`` (default 10) and ``plain_factor`` (default 100): how far above the
    default a rate is high.
    """
    if not rec.samples:
        return
    early = _early(rec, ctx["early"])
    signs, evidence = [], []
    ratios = {}
    for layer in rec.kernel_layers:
        ratio = rec.layer_series(layer.name, m.UPDATE_RATIO)[early]
        ratio = ratio[np.isfinite(ratio)]
        if ratio.size:
            ratios[layer.name] = float(np.median(ratio))
    if ratios and max(ratios.values()) > ctx["max_ratio"]:
        worst = max(ratios, key=ratios.get)
        signs.append(f"each of the first steps changes `{worst}` by {ratios[worst]:.2g} of its size (median update ratio)")
        evidence.append(Evidence(m.UPDATE_RATIO, ratios[worst], f"<= {ctx['max_ratio']:g} early", worst))
    loss = rec.train_loss
    cut = max(5, int(ctx["early"] * loss.size))
    if loss.size and math.isfinite(loss[0]):
        head = loss[:cut]
        if not np.all(np.isfinite(head)):
            signs.append(f"the loss became NaN/Inf by step {int(np.flatnonzero(~np.isfinite(head))[0])}")
        elif loss[0] > 0 and head.max() > ctx["spike"] * loss[0]:
            peak = int(np.argmax(head))
            signs.append(f"the loss spiked from {loss[0]:.4g} at step 0 to {head[peak]:.4g} at step {peak}")
            evidence.append(Evidence("loss_spike", float(head[peak] / loss[0]), f"<= x{ctx['spike']:g} the first loss", step=peak))
    killed = []
    for layer in rec.layers:
        dead = rec.layer_series(layer.name, m.DEAD_FRACTION)
        known = np.isfinite(dead)
        if known.sum() >= 2 and dead[known][0] < 0.5 and np.max(dead[early & known], initial=0) >= 0.5:
            killed.append((layer.name, float(dead[known][0]), float(np.max(dead[early & known]))))
    if killed:
        name, before, after = killed[0]
        signs.append(f"{after:.0%} of the units of `{name}` died within the first steps ({before:.0%} at step 0)")
        evidence.append(Evidence(m.DEAD_FRACTION, after, "< 0.5", name))
    rate, default, adaptive = readings.learning_rate(rec)
    step, momentum = readings.effective_rate(rec)
    high_rate = rate is not None and default is not None and (
        rate >= ctx["adaptive_factor"] * default if adaptive else step >= ctx["plain_factor"] * default
    )
    if high_rate:
        evidence.append(Evidence(m.LEARNING_RATE, rate, f"about {default:g} ({rec.meta.get(m.OPTIMIZER_KIND)}'s default)"))
        if momentum:
            evidence.append(Evidence("effective_rate", step, f"learning_rate / (1 - momentum {momentum:g})"))
    measured = len(signs)
    if measured == 0 or (measured < 2 and not high_rate) or (readings.inputs_unnormalized(rec) and not high_rate):
        return
    optimizer = _optimizer(rec)
    rate_clause = f", {rate / default:.0f}x its default of {default:g}" if high_rate else ""
    if high_rate and momentum:
        rate_clause = (
            f": with momentum {momentum:g} its steps add up to learning_rate / (1 - momentum) = "
            f"{step:.3g}, {step / default:.0f}x its default of {default:g}"
        )
    yield ctx.finding(
        f"the learning rate is too high for {optimizer}{rate_clause}: " + "; ".join(signs) + ".",
        f"Lower the learning rate 10x{f' (to {rate / 10:g})' if rate else ''}: Keras's defaults are "
        "1e-3 for Adam and RMSprop and 0.01 for SGD; or warm it up with a schedule.",
        evidence=evidence,
    )


@rule(
    "ND207",
    "learning-rate-too-low",
    Severity.ERROR,
    "The learning rate is too low: every step moves the weights by a negligible amount.",
    tier="cause",
    gated=True,
    explained_by={"ND601"},
    requires={m.UPDATE_RATIO},
    min_ratio=1e-4,
    warmup=0.1,
)
def learning_rate_too_low(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a learning rate so small that the run cannot get anywhere in its length.

    **What it checks.** The median update ratio ``||dW|| / ||W||`` of every trainable kernel
    after the first ``warmup`` share of the steps. It fires when every layer's is below
    ``min_ratio`` (an error only when the run fails or learns badly: a converged run moves little
    too) (updates of exactly 0, or on a layer without gradient, are left to ND203
    and ND204).

    **Why it matters.** A healthy step changes the weights by about a thousandth of their size.
    A hundred times less, and a run of thousands of steps moves the weights less than one good
    step would: the loss barely falls and the model looks stuck, although nothing is broken.

    **Example.** ``SGD(learning_rate=1e-5)`` on an MNIST MLP: median update ratio 1e-6, the loss
    goes from 2.40 to 2.38 in 300 steps.

    When the optimizer clips its gradients (``clipnorm``, ``clipvalue``, ``global_clipnorm``),
    the finding names the clipping: it caps every step whatever the learning rate.

    **Fix.** Raise the learning rate (SGD: 0.01-0.1; Adam: 1e-3), or use Adam, which scales its
    steps to the gradients; remove clipping that caps every step.

    **Options.** ``min_ratio`` (default 1e-4, TheDeepChecker's lower bound: 10x below the
    typical 1e-3). ``warmup`` (default 0.1): the share of the first steps left out.
    """
    steps = rec.sample_steps
    later = steps >= ctx["warmup"] * rec.steps
    medians = {}
    for layer in rec.kernel_layers:
        if not layer.trainable:
            continue
        ratio = rec.layer_series(layer.name, m.UPDATE_RATIO)[later]
        gradient = rec.layer_series(layer.name, m.GRAD_NORM)[later]
        moving = ratio[np.isfinite(ratio) & (ratio > 0) & ~(gradient == 0)]
        if moving.size:
            medians[layer.name] = float(np.median(moving))
    if not medians or not all(value < ctx["min_ratio"] for value in medians.values()):
        return
    rate, default, _ = readings.learning_rate(rec)
    worst = max(medians, key=medians.get)
    moved = (
        f"each step changes the weights by at most {medians[worst]:.1g} of their size (median update "
        f"ratio; about 1e-3 is typical), so {rec.steps:,} steps move them less than one good step would. "
        f"{readings.describe_loss_change(rec).capitalize()}."
    )
    evidence = [Evidence(m.UPDATE_RATIO, v, f">= {ctx['min_ratio']:.3g}", name) for name, v in medians.items()]
    clipping = rec.meta.get(m.OPTIMIZER_CLIPPING) or {}
    if clipping:
        limits = ", ".join(f"{name}={value:g}" for name, value in clipping.items())
        yield ctx.finding(
            f"the steps are too small for {_optimizer(rec)}: it clips the gradients ({limits}), which caps "
            f"every step: {moved}",
            f"Remove the clipping ({limits}) or raise it to about 1.0; clipping is meant to cut rare huge "
            "gradients, not every step.",
            evidence=[*evidence, Evidence(m.OPTIMIZER_CLIPPING, limits, "none, or about 1.0")],
        )
        return
    below = f", {default / rate:.0f}x below its default of {default:g}" if rate and default and rate < default else ""
    yield ctx.finding(
        f"the learning rate is too low for {_optimizer(rec)}{below}: {moved}",
        "Raise the learning rate (SGD: 0.01-0.1; Adam: 1e-3), or use Adam, which scales its steps "
        "to the gradients.",
        evidence=evidence,
    )


def _updates(rec: Recording) -> dict:
    updates = rec.meta.get(m.UPDATES)
    return updates if isinstance(updates, dict) else {}


@rule(
    "ND210",
    "adam-betas-unstable",
    Severity.ERROR,
    "Adam's beta_1 is at or above the square root of its beta_2: its steps are no longer bounded.",
    tier="cause",
    gated=True,
    requires={m.ADAM_BETAS},
    applies=lambda rec: m.ADAM_BETAS in rec.meta,  # the observers record them for every Adam
)
def adam_betas_unstable(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag Adam decay rates for which its step size has no bound.

    **What it checks.** The ``beta_1`` and ``beta_2`` of an Adam-family optimizer (Adam,
    AdamW, Nadam, Lamb; TF1's ``AdamOptimizer``). It fires when ``beta_1 >= sqrt(beta_2)``,
    where the bound of Adam's convergence analyses, ``gamma = beta_1 / sqrt(beta_2) < 1``, fails.

    **Why it matters.** Adam steps each weight by ``lr * m / sqrt(v)``: ``m`` averages the
    gradients over about ``1 / (1 - beta_1)`` steps, ``v`` their squares over ``1 / (1 -
    beta_2)``. While ``beta_1 < sqrt(beta_2)`` the ratio stays below a constant and every step
    is about ``lr``. With the two swapped (``beta_1=0.999, beta_2=0.9``, the defaults are 0.9
    and 0.999) ``v`` forgets faster than ``m``: when the gradients shrink, ``m`` still carries
    the old large ones and the steps grow without bound, so the weights and the loss blow up.

    **Example.** ``Adam(learning_rate=1e-3, beta_1=0.999, beta_2=0.9)`` on an MNIST MLP: the
    kernels grow from a standard deviation of 0.04 to 2e4 and the loss explodes after 700 steps.

    **Fix.** Use the defaults, ``beta_1=0.9, beta_2=0.999`` (``beta_1`` is the momentum of the
    gradients, ``beta_2`` of their squares, and needs the longer memory).
    """
    betas = rec.meta.get(m.ADAM_BETAS)
    if not isinstance(betas, (list, tuple)) or len(betas) != 2:
        return
    beta_1, beta_2 = (float(beta) for beta in betas)
    if not (0 <= beta_2 < 1) or beta_1 < math.sqrt(beta_2):
        return
    swapped = " (the two look swapped)" if beta_1 > beta_2 else ""
    yield ctx.finding(
        f"{_optimizer(rec)} has beta_1={beta_1:g} and beta_2={beta_2:g}{swapped}: beta_1 is at or above "
        f"sqrt(beta_2) = {math.sqrt(beta_2):.3g}, so the second-moment estimate forgets faster than the "
        "first and Adam's steps m / sqrt(v) are no longer bounded by about the learning rate.",
        "Use Adam's defaults: beta_1=0.9 (the gradients' momentum), beta_2=0.999 (their squares'), "
        "e.g. keras.optimizers.Adam(learning_rate=1e-3).",
        evidence=[Evidence("beta_1 / sqrt(beta_2)", beta_1 / math.sqrt(beta_2), "< 1")],
    )


@rule(
    "ND208",
    "gradients-not-applied",
    Severity.ERROR,
    "The loop computes gradients but never applies them to the variables.",
    tier="defect",
    requires={m.UPDATES},
    applies=lambda rec: m.UPDATES in rec.meta,
    passes_per_gradient=5,
)
def gradients_not_applied(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a custom loop that asks for gradients and then does nothing with them.

    **What it checks.** In a custom training loop, the gradients computed with
    ``GradientTape.gradient`` against the updates made to the same variables (a Keras
    optimizer's ``apply_gradients``, or ``assign_sub``/``assign_add``/``assign``). It fires
    when no computed gradient was ever applied, when some variables that get gradients are
    never updated while the others are, and when the model runs ``passes_per_gradient`` or more
    forward passes in training mode (``training=True``) for each gradient it computes: the
    losses of most batches are then thrown away.

    **Why it matters.** Computing gradients changes nothing: only the update moves the weights.
    A loop that forgets ``optimizer.apply_gradients`` (or applies them to another list of
    variables) runs, prints a loss and never learns; the loss stays where it started, up to
    the noise of the batches.

    **Example.** ``grads = tape.gradient(loss, model.trainable_variables)`` and then
    ``return loss`` with no ``optimizer.apply_gradients(zip(grads, ...))``.

    **Fix.** Apply the gradients right after computing them:
    ``optimizer.apply_gradients(zip(grads, model.trainable_variables))``, to the same
    variables the tape was asked about, once per batch.

    **Options.** ``passes_per_gradient`` (default 5): training forward passes per computed
    gradient from which the other batches count as thrown away.
    """
    updates = _updates(rec)
    iterations, applied = int(updates.get("iterations", 0)), int(updates.get("applied", 0))
    with_gradients = int(updates.get("variables_with_gradients", 0))
    updated = int(updates.get("variables_updated", 0))
    calls = int(rec.meta.get(m.GRADIENT_CALLS) or 0)
    if not calls:
        return
    fix = (
        "Apply the gradients right after computing them: "
        "optimizer.apply_gradients(zip(grads, model.trainable_variables)), to the same variables "
        "the tape was asked about (or update each variable by hand: var.assign_sub(lr * grad))."
    )
    if applied == 0 and with_gradients == 0 and any(v.get("gradient") == "missing" for v in rec.variables):
        return  # every gradient was None: ND203 says why
    if applied == 0 and with_gradients == 0:
        yield ctx.finding(
            f"gradients were computed {calls:,} times with respect to an empty list of variables: "
            "GradientTape.gradient was given no variable at all, so nothing is ever updated. A "
            "subclassed or Sequential model without an Input creates its weights at its first "
            "call; `model.trainable_variables` read before that call is an empty list.",
            "Build the model before reading its variables (call it once on a batch, or give it "
            "an Input / call model.build(input_shape)), and pass model.trainable_variables to "
            "tape.gradient inside the training step, where the model exists.",
            evidence=[Evidence("variables_with_gradients", 0, "> 0"), Evidence(m.GRADIENT_CALLS, calls, "")],
        )
    elif applied == 0:
        yield ctx.finding(
            f"gradients were computed {calls:,} times (GradientTape.gradient of the loss with respect "
            f"to {with_gradients} trainable variables) and never applied: no optimizer update and no "
            f"assignment to those variables in {iterations:,} iterations, so the weights never change.",
            fix,
            evidence=[
                Evidence(m.GRADIENT_CALLS, calls, ""),
                Evidence("applied_iterations", applied, f"{iterations:,} (every iteration)"),
            ],
        )
    elif int(updates.get("training_passes", 0)) >= ctx["passes_per_gradient"] * calls:
        passes = int(updates["training_passes"])
        yield ctx.finding(
            f"the model ran {passes:,} forward passes in training mode but the loop computed "
            f"gradients only {calls:,} times and updated {applied:,} times: the losses of the other "
            f"{passes - calls:,} batches are never used. The gradient and the update sit outside the "
            "loop over the batches (an indentation slip), so each epoch trains on its last batch only.",
            "Compute the gradients and apply them inside the loop over batches, once per batch, "
            "right after the forward pass and the loss in the tape.",
            evidence=[
                Evidence("training_passes", passes, f"about {calls:,} (one per gradient)"),
                Evidence(m.GRADIENT_CALLS, calls, ""),
            ],
        )
    elif updated < with_gradients:
        yield ctx.finding(
            f"{with_gradients - updated} of the {with_gradients} variables that get gradients are never "
            f"updated: the loop applies its gradients to only {updated} of them, so the others keep "
            "their initial values.",
            fix,
            evidence=[Evidence("variables_updated", updated, f"{with_gradients} (all with gradients)")],
        )


@rule(
    "ND209",
    "gradient-ascent",
    Severity.ERROR,
    "The weight updates point along the gradient: the loop climbs the loss instead of descending it.",
    tier="defect",
    requires={m.UPDATE_COSINE},
    applies=lambda rec: m.UPDATE_COSINE in rec.provided or _updates(rec).get("by_hand", 0) > 0,
    min_cosine=0.5,
)
def gradient_ascent(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag updates that move the weights in the direction of the gradient.

    **What it checks.** The cosine between each sampled step's change of a kernel and that
    kernel's gradient (``update_cosine``: -1 is a step straight down the gradient, +1 straight
    up). It fires when the median over the layers and sampled steps is above ``min_cosine``.

    **Why it matters.** Gradient descent subtracts the gradient: ``w - lr * g``. A
    hand-written update that adds it (``w.assign_add(lr * g)``), a negative learning rate, or a
    loss whose sign is flipped makes every step increase the loss it was computed from: the loss
    climbs until it saturates or overflows, and the model learns the opposite of its task.

    **Example.** ``weights.assign_add(lr * grad_w)`` instead of ``assign_sub``.

    **Fix.** Subtract the gradient: ``var.assign_sub(lr * grad)`` (or let an optimizer apply
    it), keep the learning rate positive, and minimize the loss, not its negative.

    A hand-written loss that is already below 0 for the untrained model and falls further is
    the same defect seen from the loss: a log-likelihood (or a score) minimized without its
    minus sign.

    **Options.** ``min_cosine`` (default 0.5): the median cosine above which the updates climb.
    """
    start, end = readings.loss_start_end(rec)
    if rec.meta.get(m.LOSS_NAME) is None and start < 0 and end < start:
        yield ctx.finding(
            f"the loss the loop minimizes is below 0 from the first steps ({start:.4g}) and falls "
            f"to {end:.4g}: a loss is at its worst for an untrained model, so one that starts "
            "negative is a log-likelihood or a score, and minimizing it climbs the real loss (a "
            "missing minus sign).",
            "Minimize the negative log-likelihood: loss = -tf.reduce_mean(y * tf.math.log(p) + "
            "(1 - y) * tf.math.log(1 - p)), or use a Keras loss (keras.losses.BinaryCrossentropy(), "
            "SparseCategoricalCrossentropy()), which has the sign right.",
            evidence=[Evidence("first_loss", start, "> 0 for a loss"), Evidence("last_loss", end, "")],
        )
        return
    cosines = {}
    for layer in rec.kernel_layers:
        values = rec.layer_series(layer.name, m.UPDATE_COSINE)
        values = values[np.isfinite(values)]
        if values.size:
            cosines[layer.name] = float(np.median(values))
    if not cosines:
        return
    median = float(np.median(list(cosines.values())))
    if median <= ctx["min_cosine"]:
        return
    trend = f" The loss went from {start:.4g} to {end:.4g}." if math.isfinite(start) and math.isfinite(end) else ""
    by_hand = _updates(rec).get("assign_add", 0)
    how = f" The loop updates its variables by hand with assign_add ({by_hand:,} calls)." if by_hand else ""
    yield ctx.finding(
        f"the weights move along the gradient, not against it: the median cosine between each "
        f"step's change of the weights and their gradient is {median:+.2f} "
        f"({', '.join(f'{v:+.2f} for `{k}`' for k, v in cosines.items())}); gradient descent gives -1 "
        f"for plain SGD and below 0 for any optimizer. Every step climbs the loss.{how}{trend}",
        "Subtract the gradient: var.assign_sub(learning_rate * grad) (or let a Keras optimizer "
        "apply it); keep the learning rate positive and minimize the loss, not its negative.",
        evidence=[Evidence(m.UPDATE_COSINE, v, f"<= {ctx['min_cosine']:g}", name) for name, v in cosines.items()],
    )


def _optimizer(rec: Recording) -> str:
    """'SGD(learning_rate=1e-05)', or the learning rate alone where the optimizer is not known."""
    if rec.meta.get(m.OPTIMIZER):
        return str(rec.meta[m.OPTIMIZER])
    rate = rec.meta.get(m.LEARNING_RATE)
    return f"unknown, learning rate {rate:.3g}" if isinstance(rate, (int, float)) else "unknown"


def _ratios(medians: dict[str, float]) -> str:
    return ", ".join(f"{value:.2g} for `{name}`" for name, value in medians.items())
