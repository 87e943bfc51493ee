"""The vocabulary: every metric and run fact an observer writes and a rule or report reads.

Observers write these names into the record stream (:mod:`netdoctor.recording`); rules and
reporters read them back. Each name has one definition here, with its scope and meaning, so a
number means the same thing whichever observer measured it. ``netdoctor`` code uses the
constants, never the strings.

Scopes:

``layer``     per layer, in a ``sample`` record (``layers[layer][name]``)
``variable``  per trainable variable, in a ``sample`` record (``variables[variable][name]``)
``sample``    per sampled step, a field of the ``sample`` record
``step``      per training step, in the ``train`` stream
``eval``      per held-out evaluation, in an ``eval`` record
``event``     a kind of ``event`` record
``run``       a run fact, in a ``meta`` record
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    """What one name means."""

    name: str
    scope: str
    meaning: str
    unit: str = ""


#: Every definition, by (scope, name): one name can mean one thing per scope (``loss`` is a
#: step's loss in the train stream and the loss function among the run facts).
VOCABULARY: dict[tuple[str, str], Definition] = {}


def _define(name: str, scope: str, meaning: str, unit: str = "") -> str:
    if (scope, name) in VOCABULARY:
        raise ValueError(f"{scope} metric {name} is defined twice")
    VOCABULARY[scope, name] = Definition(name, scope, meaning, unit)
    return name


def names(scope: str) -> set[str]:
    """Every name defined in ``scope``."""
    return {name for (where, name) in VOCABULARY if where == scope}


# ---- per layer, at sampled steps ------------------------------------------------------------
KERNEL_MEAN = _define("kernel_mean", "layer", "mean of the kernel's weights before the step")
KERNEL_STD = _define("kernel_std", "layer", "standard deviation of the kernel's weights before the step")
KERNEL_MIN = _define("kernel_min", "layer", "smallest kernel weight before the step")
KERNEL_MAX = _define("kernel_max", "layer", "largest kernel weight before the step")
KERNEL_NORM = _define("kernel_norm", "layer", "L2 norm of the kernel before the step")
NONFINITE_KERNEL = _define("nonfinite_kernel", "layer", "1 when a kernel weight is NaN or Inf, else 0")
SYMMETRIC_FRACTION = _define(
    "symmetric_fraction", "layer", "share of units whose incoming weights duplicate another unit's", "fraction"
)
UPDATE_NORM = _define("update_norm", "layer", "L2 norm of the step's change of the kernel, ||dW||")
UPDATE_RATIO = _define("update_ratio", "layer", "||dW|| / ||W||: the step's change relative to the kernel", "ratio")
UPDATE_COSINE = _define(
    "update_cosine",
    "layer",
    "cosine between the step's change of the kernel and its gradient: about -1 for descent, +1 for ascent",
)
GRAD_NORM = _define("grad_norm", "layer", "L2 norm of the loss gradient with respect to the kernel")
DEAD_FRACTION = _define(
    "dead_fraction", "layer", "share of ReLU units whose output is <= 0 for every example of the probe batch", "fraction"
)
SATURATED_FRACTION = _define(
    "saturated_fraction",
    "layer",
    "share of sigmoid/tanh units beyond +-5 (the flat tails) for most examples of the probe batch",
    "fraction",
)
NONFINITE_ACTIVATION = _define("nonfinite_activation", "layer", "1 when an output on the probe batch is NaN or Inf")
#: Layer metrics an observer computes from the kernel before and after a step.
KERNEL_METRICS = (KERNEL_MEAN, KERNEL_STD, KERNEL_MIN, KERNEL_MAX, KERNEL_NORM, NONFINITE_KERNEL)

#: What observers measure, in the groups they measure it in.
WEIGHTS = frozenset({*KERNEL_METRICS, SYMMETRIC_FRACTION, UPDATE_NORM, UPDATE_RATIO})
ACTIVATIONS = frozenset({DEAD_FRACTION, SATURATED_FRACTION, NONFINITE_ACTIVATION})

# ---- per variable, at sampled steps -----------------------------------------------------------
NONFINITE_GRAD = _define("nonfinite_grad", "variable", "1 when the variable's gradient holds NaN or Inf")
NONFINITE_VALUE = _define("nonfinite_value", "variable", "1 when the variable holds NaN or Inf")
_define(GRAD_NORM, "variable", "L2 norm of the loss gradient with respect to the variable")
GRADIENTS = frozenset({GRAD_NORM, NONFINITE_GRAD, NONFINITE_VALUE})

# ---- per sampled step ------------------------------------------------------------------------
STEP = _define("step", "sample", "0-based index of the training step")
LOSS = _define("loss", "step", "training loss of the step's batch, as the program computes it")
ACCURACY = _define("accuracy", "step", "accuracy on the step's batch (classifiers)", "fraction")
MEMORY_RSS = _define("memory_rss", "sample", "resident memory of the observer process", "bytes")
GRAPH_OPS = _define("graph_ops", "sample", "ops in the program's TF1 graph, netdoctor's own left out")
BATCH_CLASSES = _define("batch_classes", "sample", "distinct labels in the step's training batch")
REGULARIZATION_LOSS = _define(
    "regularization_loss", "sample", "the penalty of the model's regularizers (model.losses) at the step"
)
_define(LOSS, "eval", "loss on the held-out data")
_define(ACCURACY, "eval", "accuracy on the held-out data", "fraction")
EVALUATED = _define("evaluated", "eval", "held-out examples the evaluation covered, where known")

SAMPLE_LAYERS = _define("layers", "sample", "the per-layer metrics of the sample, by layer")
SAMPLE_VARIABLES = _define("variables", "sample", "the per-variable metrics of the sample, by variable")

# ---- events ------------------------------------------------------------------------------------
NON_FINITE = _define("non_finite", "event", "the first NaN/Inf: where (activations, loss, gradients, weights), step")
GRAPH_GROWTH = _define("graph_growth", "event", "ops added to a TF1 graph since the previous Session.run")
BATCH_AXIS_REDUCTION = _define("batch_axis_reduction", "event", "an arg-max over axis 0 feeding a comparison")
VARIABLES_CREATED = _define("variables_created", "event", "tf.Variables created during a training step")

# ---- run facts -------------------------------------------------------------------------------
TARGET = _define("target", "run", "the observed file or model, as the user named it")
MODE = _define("mode", "run", "how it was observed: model, script or recorder")
API = _define("api", "run", "tf1 when the program uses the TF1 API")
LOOP = _define("loop", "run", "what trained: netdoctor, fit, session, function or eager")
STEPS_PLANNED = _define("steps_planned", "run", "training steps the run was going to take")
STEPS_LIMIT = _define("steps_limit", "run", "the --steps cap netdoctor put on the run")
STOPPED = _define("stopped", "run", "true when netdoctor stopped the script at the --steps cap")
BATCH_SIZE = _define("batch_size", "run", "examples per training step, as the program trains")
SEED = _define("seed", "run", "the seed netdoctor set")
TENSORFLOW = _define("tensorflow", "run", "TensorFlow version")
KERAS = _define("keras", "run", "Keras version")
MODEL = _define("model", "run", "one-line description of the model")
MODEL_ORIGIN = _define("model_origin", "run", "where the model came from in the target")
LAYERS = _define("layers", "run", "the model's layers (LayerInfo records)")
VARIABLES = _define("variables", "run", "the trained variables: name, layer, role, shape, gradient")
WIRING = _define("wiring", "run", "graph when the layers' connections are known, order when guessed")
DATA = _define("data", "run", "where the training data came from")
TRAIN_EXAMPLES = _define("train_examples", "run", "examples in the training data")
SERVED_EXAMPLES = _define("served_examples", "run", "training examples netdoctor served to a script (its offline MNIST)")
SAMPLED_BATCHES = _define(
    "sampled_batches", "run", "the training batches of the sampled steps: how many, how many distinct, their size"
)
TEST_EXAMPLES = _define("test_examples", "run", "examples in the held-out data")
INPUT_SHAPE = _define("input_shape", "run", "shape of one input example")
INPUT_STATS = _define("input_stats", "run", "min, max, mean, std and non-finite count of the training inputs")
TARGET_STATS = _define("target_stats", "run", "min, max, mean, std and non-finite count of regression targets")
TASK = _define("task", "run", "multiclass, binary or regression")
NUM_CLASSES = _define("num_classes", "run", "classes a classifier predicts")
CLASS_FRACTIONS = _define("class_fractions", "run", "share of each class in the training labels")
LABELS = _define("labels", "run", "label format given and expected, converted, and label statistics")
LOSS_NAME = _define("loss", "run", "the loss function (Keras config name)")
WEIGHTED_LOSS = _define("weighted_loss", "run", "true when fit weights the loss per class or per example (class_weight, sample_weight)")
FROM_LOGITS = _define("from_logits", "run", "whether the cross-entropy reads logits")
UNGUARDED_LOG = _define(
    "unguarded_log", "run", "true when a hand-written log-loss takes the log of probabilities with no clip or epsilon"
)
OUTPUT_ACTIVATION = _define("output_activation", "run", "the activation applied last on the model output")
OPTIMIZER = _define("optimizer", "run", "the optimizer and its learning rate, e.g. SGD(learning_rate=0.03)")
OPTIMIZER_KIND = _define("optimizer_kind", "run", "the optimizer's class name")
OPTIMIZER_CLIPPING = _define(
    "optimizer_clipping", "run", "the optimizer's gradient clipping (clipnorm, clipvalue, global_clipnorm), where set"
)
LEARNING_RATE = _define("learning_rate", "run", "the optimizer's (starting) learning rate")
MOMENTUM = _define("momentum", "run", "the momentum of an SGD optimizer, where it has one above 0")
ADAM_BETAS = _define("adam_betas", "run", "beta_1 and beta_2 of an Adam-family optimizer")
TF_FUNCTIONS = _define("tf_functions", "run", "the program's tf.functions: calls and retraces")
UPDATES = _define("updates", "run", "how the loop changed its variables: optimizer or by-hand update counts")
GRADIENT_CALLS = _define("gradient_calls", "run", "GradientTape.gradient calls on the loss of trainable variables")
REFERENCES = _define(
    "references", "run", "trivial and linear predictors' scores on the same data (observe.core.references)"
)
LABEL_PAIRING = _define(
    "label_pairing",
    "run",
    "how far the program's training labels are a function of the served data's own labels of the same "
    "inputs: checked, found, consistency (observe.core.pairing)",
)
HELD_OUT_INPUT_STATS = _define("held_out_input_stats", "run", "min, max, mean, std of the held-out inputs")
INTERVENED = _define("intervened", "run", "the interventions applied to the run, and where each changed something")
NOTES = _define("notes", "run", "plain sentences about how the run was observed")
OBSERVED = _define("observed", "run", "the metrics this run's observers could measure")
WALL_SECONDS = _define("wall_seconds", "run", "wall time of the whole check")
STRATEGY = _define("strategy", "run", "the tf.distribute strategy that trained on several replicas (class name)")
REPLICAS = _define("replicas", "run", "replicas that trained in sync: devices over all workers")
WORKERS = _define("workers", "run", "processes that trained together (1 on one machine)")
WORKER = _define("worker", "run", "the task of a multi-worker run that recorded, e.g. `worker 0`")
STOPPED_ON = _define(
    "stopped_on", "run", "the codes of the findings, certain on their own, for which a Recorder stopped training"
)
