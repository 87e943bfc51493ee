"""ND6xx: data. Inputs on the wrong scale, batches in label order, values that are not numbers.
Read from the data facts recorded before training starts, and from the batches sampled."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from netdoctor import metrics as m
from netdoctor import readings
from netdoctor.findings import Evidence, Finding, Severity
from netdoctor.recording import Recording
from netdoctor.rules.registry import RuleContext, rule


@rule(
    "ND601",
    "unnormalized-inputs",
    Severity.ERROR,
    "The input features are far from a normalized range (e.g. pixels 0..255).",
    tier="cause",
    gated=True,
    requires={m.INPUT_STATS},
    max_scale=10.0,
    min_scale=0.01,
)
def unnormalized_inputs(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag training inputs whose values are far larger or far smaller than about 1.

    **What it checks.** The mean, standard deviation and range of the training inputs as the
    model's first layer with weights receives them (after any ``Rescaling`` layers before it; a
    ``Normalization`` layer there standardizes them, and the rule passes). It fires when the absolute mean or the standard deviation is above
    ``max_scale``, or when the largest absolute value is below ``min_scale``. Inputs in [0, 1]
    or standardized to mean 0 and std 1 pass; MNIST loaded by netdoctor itself is scaled to
    [0, 1] before training.

    **Why it matters.** The first layer's output, and so every activation and gradient after it,
    scales with the inputs. Pixels in 0..255 make the first pre-activations hundreds of times
    larger than the initializers assume: sigmoid and tanh saturate, ReLUs die after the first
    large update, the first loss is huge, and a learning rate that suits normalized data
    diverges. Inputs near 0 starve the network the other way.

    **Example.** MNIST pixels passed as 0..255 to a CNN trained with ``SGD(0.01)``: the first
    loss is 137 and the network ends at chance.

    **Fix.** Scale the inputs: divide pixels by 255, or standardize each feature with statistics
    of the training set (``keras.layers.Normalization()`` with ``adapt(x_train)``).

    **Options.** ``max_scale`` (default 10): the largest acceptable absolute mean or standard
    deviation. ``min_scale`` (default 0.01): the smallest acceptable largest absolute value.
    """
    stats, rescaled = readings.model_input_stats(rec)
    values = [stats.get(key) for key in ("min", "max", "mean", "std")]
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values):
        return
    low, high, mean, std = values
    largest = max(abs(low), abs(high))
    if max(abs(mean), std) > ctx["max_scale"]:
        problem = f"expected |mean| and std below {ctx['max_scale']:g}, as for inputs in [0, 1] or standardized ones"
        evidence = [Evidence("input_std", std, f"<= {ctx['max_scale']:g}"), Evidence("input_mean", mean, f"|mean| <= {ctx['max_scale']:g}")]
    elif largest < ctx["min_scale"]:
        problem = f"expected values reaching at least {ctx['min_scale']:g} in size"
        evidence = [Evidence("input_max_abs", largest, f">= {ctx['min_scale']:g}")]
    else:
        return
    layers = [rec.layer(name) for name in rescaled]
    unadapted = [layer for layer in layers if layer.kind in readings.NORMALIZING]
    after = (
        " after the model's "
        + ", ".join(
            f"`{layer.name}` (never adapted: mean 0, variance 1, it changes nothing)"
            if layer in unadapted else f"`{layer.name}` (x {layer.rescale[0]:.4g})"
            for layer in layers
        )
        if layers else ""
    )  # fmt: skip
    fix = (
        "Scale the inputs: divide pixels by 255, or standardize each feature with training-set "
        "statistics (x - mean) / std, e.g. keras.layers.Normalization() adapted to x_train."
    )
    if unadapted:
        fix = f"Adapt the Normalization layer to the training data before training: `{unadapted[0].name}.adapt(x_train)`."
    yield ctx.finding(
        f"the inputs are not normalized: as the first layer with weights receives them{after}, they "
        f"range from {low:.4g} to {high:.4g} (mean {mean:.4g}, std {std:.4g}); {problem}.",
        fix,
        evidence=evidence,
    )


@rule(
    "ND602",
    "unshuffled-data",
    Severity.ERROR,
    "Training batches come in label order: most hold a single class.",
    tier="cause",
    requires={m.BATCH_CLASSES, m.CLASS_FRACTIONS, m.BATCH_SIZE},
    applies=readings.is_classifier,
    min_fraction=0.5,
    max_chance=0.01,
)
def unshuffled_data(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a classifier trained on batches that each hold one class.

    **What it checks.** The number of distinct labels in the batch trained at each sampled step
    (the observer's per-sample ``batch_classes``). It fires when at least ``min_fraction`` of
    the sampled batches hold a single class, while a shuffled batch of that size would hold a
    single class with a probability below ``max_chance`` (computed from the class shares).
    Model mode never shows this, because netdoctor shuffles the data itself every epoch; it
    applies to scripts that feed their own batches, and is tested on synthetic recordings.

    **Why it matters.** Data sorted by label (as many datasets are stored) and not shuffled
    gives batches of one class: each step pulls the model towards predicting that class only,
    the next run of batches pulls it to another, and the model ends up predicting whatever
    class came last.

    **Example.** ``model.fit(x, y, shuffle=False)`` on digits stored 0s first, then 1s, ...:
    every batch of 50 holds one digit.

    **Fix.** Shuffle the training data: ``model.fit(..., shuffle=True)`` (the default for
    arrays), ``dataset.shuffle(len(x))`` for a ``tf.data`` pipeline (a buffer smaller than a
    class run leaves it ordered), or permute the arrays once before batching.

    **Options.** ``min_fraction`` (default 0.5): share of sampled batches with one class that
    fires the rule. ``max_chance`` (default 0.01): the rule is skipped when shuffled batches
    would often hold one class anyway (tiny batches, one dominant class).
    """
    counts = np.array([s[m.BATCH_CLASSES] for s in rec.samples if s.get(m.BATCH_CLASSES) is not None])
    fractions = np.asarray(rec.meta.get(m.CLASS_FRACTIONS) or [], dtype=float)
    batch = rec.meta.get(m.BATCH_SIZE)
    if not readings.is_classifier(rec) or counts.size == 0 or fractions.size < 2 or not batch:
        return
    chance = float(np.sum(fractions ** int(batch)))
    single = int(np.sum(counts == 1))
    if single < ctx["min_fraction"] * counts.size or chance >= ctx["max_chance"]:
        return
    yield ctx.finding(
        f"{single} of {counts.size} sampled training batches ({single / counts.size:.0%}) hold a "
        f"single class: the data comes in label order. A shuffled batch of {batch} from these "
        f"{fractions.size} classes holds one class with probability {chance:.2g}.",
        "Shuffle the training data: model.fit(..., shuffle=True) (the default for arrays), "
        "dataset.shuffle(buffer_size=len(x)) for tf.data, or x, y = x[p], y[p] with "
        "p = np.random.permutation(len(x)) before batching.",
        evidence=[
            Evidence("single_class_batches", single / counts.size, f"< {ctx['min_fraction']:g}"),
            Evidence("single_class_chance", chance, ""),
        ],
    )


@rule(
    "ND603",
    "non-finite-data",
    Severity.ERROR,
    "The training inputs or labels contain NaN or Inf.",
    tier="defect",
    requires={m.INPUT_STATS},
)
def non_finite_data(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag NaN or infinite values in the training data.

    **What it checks.** The count of NaN and Inf values among the training inputs and labels,
    taken before training starts. Any count above zero is an error, whatever the run did.

    **Why it matters.** One NaN input makes the output, the loss and every gradient of its
    batch NaN, and one update with a NaN gradient makes the weights NaN for good: the run is
    over at the first batch that holds it (ND303 then reports where the NaN surfaced). When it
    does not stop the run, it is masked by luck of the batching.

    **Example.** Tabular inputs with missing readings stored as NaN: 13 of 12,800 values.

    **Fix.** Find them (``np.isnan(x).any(axis=1)``, ``np.isinf``), then drop those examples or
    impute the values (e.g. the feature mean) before training; check the loading and
    preprocessing code for divisions by zero and logs of zero.
    """
    inputs = (rec.meta.get(m.INPUT_STATS) or {}).get("nonfinite") or 0
    labels = max(
        (readings.label_facts(rec).get("stats") or {}).get("nonfinite") or 0,
        (rec.meta.get(m.TARGET_STATS) or {}).get("nonfinite") or 0,  # regression targets
    )
    parts, evidence = [], []
    if inputs > 0:
        shape, examples = rec.meta.get(m.INPUT_SHAPE), rec.meta.get(m.TRAIN_EXAMPLES)
        total = f" (of {examples * int(np.prod(shape)):,})" if shape and examples else ""
        parts.append(f"the training inputs hold {int(inputs):,} NaN/Inf values{total}")
        evidence.append(Evidence("nonfinite_inputs", int(inputs), "0"))
    if labels > 0:
        parts.append(f"the training labels hold {int(labels):,} NaN/Inf values")
        evidence.append(Evidence("nonfinite_labels", int(labels), "0"))
    if not parts:
        return
    yield ctx.finding(
        "; ".join(parts) + ". Any batch that holds one gives a NaN loss and NaN gradients, which "
        "then spread into every weight.",
        "Find them with np.isnan(x).any(axis=1) and np.isinf, then drop those examples or impute "
        "the values (e.g. the feature mean) before training; check the loading and preprocessing "
        "for divisions by zero and logs of zero.",
        evidence=evidence,
    )


def _classifier_outcome(rec: Recording) -> readings.Outcome | None:
    outcome = readings.outcome(rec)
    if outcome.measure != m.ACCURACY or outcome.trivial is None:
        return None
    return outcome


def _within(rec: Recording) -> dict:
    return readings.references(rec).get("within", {})


@rule(
    "ND604",
    "labels-unrelated",
    Severity.ERROR,
    "The labels carry nothing the inputs predict: the model can only memorize them.",
    tier="cause",
    gated=True,
    requires={m.REFERENCES},
    applies=readings.is_classifier,
    memorized=0.1,
    min_consistency=0.5,
)
def labels_unrelated(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag labels that do not go with their inputs (shuffled apart from them, misaligned).

    **What it checks.** The linear reference, fitted on most of the training data and scored
    on the rest of it: when it does no better than always predicting the most frequent class,
    the inputs do not predict the labels linearly. It fires when, besides that, the model fails
    on held-out data while its training accuracy is above that level by ``memorized`` of the
    way to perfect, and above its held-out accuracy by as much: it memorizes examples instead of
    learning a rule. Training labels that hold a single class are flagged whatever the outcome,
    and so are labels that do not follow their images where netdoctor served the data and could
    look the program's training pairs up (a label consistency below ``min_consistency``; see
    ``netdoctor.observe.core.pairing``).

    **Why it matters.** Shuffling the labels and the images separately, or reading them in a
    different order, leaves every label with a random input. Nothing can be learned that holds
    for new data; a network still drives its training accuracy up by memorizing, slowly, and
    looks like it learns badly. The fix is in the data pipeline, not the model.

    **Example.** ``np.random.shuffle(x_train); np.random.shuffle(y_train)``: training accuracy
    climbs to 0.35 while held-out accuracy stays at 0.10, and a linear model gets 0.11 on a
    held-out part of the training data.

    **Fix.** Shuffle inputs and labels together (``p = np.random.permutation(len(x));
    x, y = x[p], y[p]``) and check that each label belongs to its input (look at a few).

    **Options.** ``memorized`` (default 0.1): how far above chance training accuracy must get.
    ``min_consistency`` (default 0.5): the label consistency below which the pairs are broken.
    """
    present = [share for share in rec.meta.get(m.CLASS_FRACTIONS) or [] if share > 0]
    if len(present) == 1 and isinstance(rec.meta.get(m.TRAIN_EXAMPLES), int):  # shares of all the labels
        yield _one_class(rec, ctx)
        return
    pairing = rec.meta.get(m.LABEL_PAIRING) or {}
    if pairing.get("consistency", 1.0) < ctx["min_consistency"]:
        yield _mispaired(rec, ctx, pairing)
        return
    outcome = _classifier_outcome(rec)
    within = _within(rec)
    linear, trivial = within.get("linear_accuracy"), within.get("trivial_accuracy")
    if outcome is None or outcome.kind != readings.FAILS or linear is None or trivial is None:
        return
    if not readings.at_chance(linear, trivial):
        return
    train = outcome.train_value if outcome.train_value is not None else readings.final_train_accuracy(rec)
    above = ctx["memorized"] * (1 - trivial)
    if not math.isfinite(train) or train < trivial + above:
        return
    if outcome.on == "held-out" and train - outcome.value < above:
        return  # no better on its training data either: nothing memorized
    yield ctx.finding(
        f"the labels look unrelated to the inputs: a linear model fitted on the training data scores "
        f"{linear:.3f} on a held-out part of it, no better than always predicting the most frequent class "
        f"({trivial:.3f}); the model reaches {train:.3f} on its training data but {outcome.value:.3f} on "
        f"{outcome.on} data: it memorizes the examples.",
        "Shuffle inputs and labels together (p = np.random.permutation(len(x)); x, y = x[p], y[p]) "
        "and check that each label belongs to its input.",
        evidence=[
            Evidence("linear_accuracy_within", linear, f"> {trivial:.3f}"),
            Evidence("train_accuracy", train, ""),
            Evidence(f"{outcome.on.replace('-', '_')}_accuracy", outcome.value, ""),
        ],
    )


def _mispaired(rec: Recording, ctx: RuleContext, pairing: dict) -> Finding:
    """The program's training labels are not those of its inputs (netdoctor served the data)."""
    consistency = pairing["consistency"]
    return ctx.finding(
        f"the labels the program trains with do not belong to their images: netdoctor served the "
        f"data, found {pairing['found']:,} of the {pairing['checked']:,} training images it was "
        f"given back, and their labels follow the images' own labels with a consistency of "
        f"{consistency:.2f} (1 when every label belongs to its image, about 0 when labels and "
        "images are paired at random).",
        "Keep each image with its label: take both from one batch (`x, y = data.next_batch(n)` "
        "once per step), shuffle both with one permutation (p = np.random.permutation(len(x)); "
        "x, y = x[p], y[p]), and check a few pairs by eye.",
        certain=True,
        evidence=[Evidence("label_consistency", consistency, f">= {ctx['min_consistency']:g}")],
    )


def _one_class(rec: Recording, ctx: RuleContext) -> Finding:
    """Every training label is the same class: there is nothing to tell apart."""
    fractions = rec.meta.get(m.CLASS_FRACTIONS) or []
    label = int(np.argmax(fractions))
    return ctx.finding(
        f"every label of the {rec.meta[m.TRAIN_EXAMPLES]:,} training examples is class {label}: the labels hold a single class, so they say nothing "
        "about the inputs. The model learns to answer that class whatever the input, and its "
        "accuracy (perfect on such labels) means nothing.",
        "Check how the labels are built and count them (np.unique(y, return_counts=True)): a "
        "comparison with a value the column never holds (`df[col] == \"yes\"` on a column of "
        "'Y'/'N') gives all-False labels; a filter or a sort can leave only one class.",
        certain=True,
        evidence=[Evidence("classes_in_labels", 1, ">= 2")],
    )


@rule(
    "ND605",
    "train-validation-mismatch",
    Severity.ERROR,
    "The model learns its training data, but the held-out data does not match it.",
    tier="cause",
    gated=True,
    requires={m.REFERENCES},
    applies=lambda rec: bool(rec.evals),
    max_scale_ratio=10.0,
)
def train_validation_mismatch(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag held-out data prepared differently from the training data.

    **What it checks.** A model that learns on its training data (training accuracy more than
    half way from the most frequent class to the linear reference) but fails on held-out data,
    while a linear model learns within the training data. It then looks for the difference:
    held-out inputs whose scale (std, |mean|) is more than ``max_scale_ratio`` times off the
    training inputs', or a linear model that learns within the training data and fails on the
    held-out data (labels that do not belong to their inputs).

    **Why it matters.** Held-out data is only a measure of the model when it is prepared like
    the training data. Pixels scaled by 255 for training but not for validation, or validation
    labels in another order than their images, make any model look like it does not
    generalize, and send the search for the bug to the model.

    **Example.** ``x_train / 255`` for ``fit`` but raw ``x_test`` in ``validation_data``:
    training accuracy 0.95, validation accuracy 0.10.

    A regression is judged by its loss: a training loss below half of the mean predictor's on
    the training data, and a held-out loss no better than the mean predictor's on the held-out
    data, with a difference found: the inputs' scale as above, or the targets'. The loss of
    predicting the mean is the targets' variance, so mean-predictor losses more than
    ``max_scale_ratio`` squared apart say that the targets are on different scales.

    **Fix.** Prepare the held-out data with the same code as the training data (the same
    scaling, with the training set's statistics, the same label order).

    **Options.** ``max_scale_ratio`` (default 10).
    """
    if not readings.is_classifier(rec):
        yield from _regression_mismatch(rec, ctx)
        return
    outcome = _classifier_outcome(rec)
    within = _within(rec)
    if outcome is None or outcome.on != "held-out" or outcome.train_value is None:
        return
    linear_within, trivial_within = within.get("linear_accuracy"), within.get("trivial_accuracy")
    if linear_within is None or trivial_within is None or readings.at_chance(linear_within, trivial_within):
        return
    learns_training = outcome.train_value >= trivial_within + 0.5 * (linear_within - trivial_within)
    trivial_loss = readings.references(rec).get("held_out", {}).get("trivial_loss")
    _, train_loss = readings.loss_start_end(rec)
    loss_mismatch = (
        isinstance(trivial_loss, (int, float))
        and rec.test_loss is not None
        and rec.test_loss >= trivial_loss
        and train_loss < 0.5 * trivial_loss
    )
    if not learns_training or not (outcome.kind == readings.FAILS or loss_mismatch):
        return
    clues, evidence = [], [
        Evidence("train_accuracy", outcome.train_value, ""),
        Evidence("held_out_accuracy", outcome.value, f"near {outcome.train_value:.3f}"),
    ]
    _input_scale_clue(rec, ctx, clues, evidence)
    held = readings.references(rec).get("held_out", {})
    if held.get("linear_accuracy") is not None and readings.at_chance(held["linear_accuracy"], held.get("trivial_accuracy", trivial_within)):
        clues.append(
            f"a linear model that scores {linear_within:.3f} within the training data scores "
            f"{held['linear_accuracy']:.3f} on the held-out data: its labels do not go with its inputs"
        )
        evidence.append(Evidence("linear_accuracy_held_out", held["linear_accuracy"], f"near {linear_within:.3f}"))
    clue = ("; " + "; ".join(clues)) if clues else ""
    if loss_mismatch:
        scores = (
            f"the model's loss is {train_loss:.4g} on its training data but {rec.test_loss:.4g} on the "
            f"held-out data, worse than predicting the class frequencies ({trivial_loss:.4g})"
        )
        evidence.append(Evidence("held_out_loss", rec.test_loss, f"< {trivial_loss:.4g}"))
    else:
        scores = f"the model reaches {outcome.train_value:.3f} on its training data but {outcome.value:.3f} on the held-out data"
    yield ctx.finding(
        f"the held-out data does not match the training data: {scores}{clue}.",
        "Prepare the held-out data with the same code as the training data: the same scaling (with "
        "the training set's statistics), the same label order.",
        certain=bool(clues),
        evidence=evidence,
    )


def _input_scale_clue(rec: Recording, ctx: RuleContext, clues: list[str], evidence: list[Evidence]) -> None:
    """Add a clue where the held-out inputs' std or |mean| is far from the training inputs'."""
    train_stats, held_stats = rec.meta.get(m.INPUT_STATS) or {}, rec.meta.get(m.HELD_OUT_INPUT_STATS) or {}
    for key in ("std", "mean"):
        a, b = train_stats.get(key), held_stats.get(key)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and min(abs(a), abs(b)) > 0:
            ratio = max(abs(a), abs(b)) / min(abs(a), abs(b))
            if ratio > ctx["max_scale_ratio"]:
                clues.append(f"the held-out inputs' {key} is {b:.4g} against {a:.4g} for the training inputs ({ratio:.0f}x)")
                evidence.append(Evidence(f"held_out_input_{key}", b, f"within {ctx['max_scale_ratio']:g}x of {a:.4g}"))
                return


def _regression_mismatch(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """ND605 for a regression: it learns its training targets and not the held-out ones."""
    outcome = readings.outcome(rec)
    trivial_within = _within(rec).get("trivial_loss")
    if outcome.measure != m.LOSS or outcome.on != "held-out" or outcome.kind != readings.FAILS:
        return
    if not isinstance(trivial_within, (int, float)) or trivial_within <= 0 or outcome.trivial is None:
        return
    _, train_loss = readings.loss_start_end(rec)
    if not train_loss < 0.5 * trivial_within:
        return
    clues, evidence = [], [
        Evidence("train_loss", train_loss, f"< {0.5 * trivial_within:.4g} (half the mean's)"),
        Evidence("held_out_loss", outcome.value, f"< {outcome.trivial:.4g} (the mean's)"),
    ]
    spread = outcome.trivial / trivial_within
    if max(spread, 1 / spread) > ctx["max_scale_ratio"] ** 2:
        clues.append(
            f"predicting the mean costs {outcome.trivial:.4g} on the held-out targets but {trivial_within:.4g} "
            f"on the training targets ({spread:.3g}x): the targets are on different scales"
        )
        evidence.append(Evidence("held_out_trivial_loss", outcome.trivial, f"within {ctx['max_scale_ratio'] ** 2:g}x of {trivial_within:.4g}"))
    _input_scale_clue(rec, ctx, clues, evidence)
    if not clues:  # a regression that fits its training data only may just overfit
        return
    yield ctx.finding(
        f"the held-out data does not match the training data: the model's loss is {train_loss:.4g} on its "
        f"training data but {outcome.value:.4g} on the held-out data, no better than predicting the mean "
        f"({outcome.trivial:.4g}); " + "; ".join(clues) + ".",
        "Prepare the held-out data with the same code as the training data: scale its inputs and its "
        "targets with the training set's statistics (and invert the target scaling on the predictions).",
        certain=True,
        evidence=evidence,
    )


@rule(
    "ND606",
    "same-batch-every-step",
    Severity.ERROR,
    "Every training step sees the same batch: the program never moves through its data.",
    tier="defect",
    requires={m.SAMPLED_BATCHES},
    applies=lambda rec: rec.meta.get(m.LOOP) in (*readings.CUSTOM_LOOPS, "session"),
)
def same_batch_every_step(rec: Recording, ctx: RuleContext) -> Iterator[Finding]:
    """Flag a training loop that feeds one batch over and over.

    **What it checks.** A fingerprint of the training batch at every sampled step of a custom
    loop or a TF1 session (the sums of its values and of their squares, of its first example,
    and its size). It fires when all of them are the same while netdoctor served the program
    more training examples than one batch holds.

    **Why it matters.** ``next(iter(dataset))`` inside the loop makes a new iterator at every
    step and takes its first batch again; a batch drawn once before the loop is the same at
    every step. The model then fits those few examples perfectly: the training loss goes to 0
    and the training accuracy to 1, while held-out accuracy stays where a few dozen examples
    can take it.

    **Example.** ``x, y = next(iter(train_ds))`` inside ``for step in range(steps)``: every
    step trains on the same first 64 of 4,000 images.

    **Fix.** Make the iterator once and draw from it at each step (``for x, y in train_ds:``,
    or ``it = iter(train_ds)`` before the loop and ``next(it)`` in it); draw a new batch
    (``mnist.train.next_batch``) inside the loop.
    """
    batches, served = rec.meta.get(m.SAMPLED_BATCHES) or {}, rec.meta.get(m.SERVED_EXAMPLES)
    if batches.get("distinct") != 1 or not isinstance(served, int) or batches.get("batch", served) >= served:
        return
    yield ctx.finding(
        f"every training step sees the same batch: the {batches['sampled']} sampled steps all trained on "
        f"one batch of {batches['batch']:,} examples, of the {served:,} training examples netdoctor served. "
        "It fits those examples and never sees the others.",
        "Draw a new batch at every step: make the iterator once (for x, y in train_ds: ..., or "
        "it = iter(train_ds) before the loop and next(it) inside it).",
        certain=True,
        evidence=[Evidence("distinct_batches", 1, f"{batches['sampled']} (one per sampled step)")],
    )
