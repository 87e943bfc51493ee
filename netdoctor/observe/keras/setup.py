"""Get a model ready to train: build it, pick or read its loss and optimizer, fit the data to it."""

from __future__ import annotations

from dataclasses import dataclass, field

import keras
import numpy as np

from netdoctor import data as datasets
from netdoctor import metrics as m
from netdoctor.errors import DataError, TargetError, first_line
from netdoctor.observe.keras.model_info import output_activation

#: Loss names (Keras config names) by the task and label format they imply.
LOSS_KINDS = {
    "sparse_categorical_crossentropy": ("multiclass", False),
    "categorical_crossentropy": ("multiclass", True),
    "binary_crossentropy": ("binary", False),
    "binary_focal_crossentropy": ("binary", False),
    "categorical_focal_crossentropy": ("multiclass", True),
    "kl_divergence": ("multiclass", True),
    "categorical_hinge": ("multiclass", True),
}


@dataclass
class Setup:
    """A compiled model, its data shaped for it, and the facts the report needs."""

    model: keras.Model
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    task: str  # multiclass | binary | regression
    one_hot: bool
    num_classes: int | None
    loss_name: str
    from_logits: bool | None
    output_activation: str
    labels: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)



def learning_rate(optimizer: keras.optimizers.Optimizer) -> float:
    rate = optimizer.learning_rate
    try:
        return float(np.asarray(rate))
    except (TypeError, ValueError):  # a schedule: report its starting value
        return float(np.asarray(rate(0)))


def describe_optimizer(optimizer: keras.optimizers.Optimizer) -> str:
    """``SGD(learning_rate=0.03)``."""
    return f"{type(optimizer).__name__}(learning_rate={learning_rate(optimizer):g})"


#: The Keras optimizers whose steps are Adam's ratio of two moment estimates.
ADAM_FAMILY = ("Adam", "AdamW", "Nadam", "Lamb")

#: The Keras optimizer arguments that clip gradients.
CLIPPING = ("clipnorm", "clipvalue", "global_clipnorm")


def optimizer_facts(optimizer: keras.optimizers.Optimizer) -> dict:
    """The optimizer run facts of a Keras optimizer."""
    facts = {
        m.OPTIMIZER: describe_optimizer(optimizer),
        m.OPTIMIZER_KIND: type(optimizer).__name__,
        m.LEARNING_RATE: learning_rate(optimizer),
    }
    clipping = {name: float(getattr(optimizer, name)) for name in CLIPPING if getattr(optimizer, name, None)}
    if clipping:
        facts[m.OPTIMIZER_CLIPPING] = clipping
    if isinstance(optimizer, keras.optimizers.SGD) and isinstance(optimizer.momentum, (int, float)) and optimizer.momentum > 0:
        facts[m.MOMENTUM] = float(optimizer.momentum)
    betas = (getattr(optimizer, "beta_1", None), getattr(optimizer, "beta_2", None))
    if type(optimizer).__name__ in ADAM_FAMILY and all(isinstance(beta, (int, float)) for beta in betas):
        facts[m.ADAM_BETAS] = [float(beta) for beta in betas]
    return facts


def build(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """Make sure the model has variables; return ``x`` shaped for its input.

    A model that declares its input shape gets the data reshaped to it. A subclassed model
    that is not built yet is called once on a small batch, trying the common image layouts.
    """
    shape = _declared_input_shape(model)
    if shape is not None:
        shaped = datasets.shape_for_model(x, shape)
        if not model.built or not model.weights:
            _call(model, shaped[:2])
        return shaped
    per_sample = int(np.prod(x.shape[1:]))
    candidates = [x.shape[1:], (per_sample,), (28, 28), (28, 28, 1)] if per_sample == 784 else [x.shape[1:]]
    errors = []
    for candidate in candidates:
        shaped = x.reshape((-1, *candidate))
        try:
            _call(model, shaped[:2])
            return shaped
        except Exception as exc:  # noqa: BLE001  (try the next layout)
            errors.append(f"{candidate}: {type(exc).__name__}: {first_line(exc)}")
    raise DataError("the model does not accept the data in any layout tried; " + "; ".join(errors))


def _declared_input_shape(model: keras.Model) -> tuple | None:
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return None
    if not inputs or len(inputs) != 1:
        return None
    return tuple(inputs[0].shape)


def _call(model: keras.Model, x: np.ndarray) -> None:
    model(x.astype("float32"), training=False)


def loss_config(loss) -> tuple[str, bool | None]:
    """The Keras config name and ``from_logits`` of a compiled loss (object, function or string)."""
    if isinstance(loss, str):
        loss = keras.losses.get(loss)
    if isinstance(loss, keras.losses.Loss):
        config = loss.get_config()
        return config.get("name", type(loss).__name__), config.get("from_logits")
    name = getattr(loss, "__name__", type(loss).__name__)
    return name, False if "crossentropy" in name else None


def _default_loss(units: int, activation: str) -> keras.losses.Loss:
    if units == 1:
        return keras.losses.BinaryCrossentropy(from_logits=activation != "sigmoid")
    return keras.losses.SparseCategoricalCrossentropy(from_logits=activation != "softmax")


def label_format(y: np.ndarray) -> str:
    """``one-hot``, ``integer`` (class indices) or ``values`` (anything else)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return "one-hot"
    flat = y.reshape(-1)
    whole = flat.size and np.all(np.isfinite(flat)) and np.all(flat == np.round(flat)) and flat.min() >= 0
    return "integer" if whole else "values"


def _check_fit(model: keras.Model, x: np.ndarray, y: np.ndarray) -> None:
    """Compute the loss on two examples so a model/data mismatch fails here, in one clear line."""
    try:
        y_pred = model(x.astype("float32"), training=False)
    except Exception as exc:  # noqa: BLE001  (any failure here means the data does not fit)
        raise DataError(f"the model cannot run on inputs of shape {x.shape}: {first_line(exc)}") from exc
    try:
        model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
    except Exception as exc:  # noqa: BLE001
        raise DataError(
            f"the model's output {tuple(y_pred.shape)} does not fit the labels {y.shape}: "
            f"{first_line(exc)}"
        ) from exc


def prepare(model: keras.Model, dataset: datasets.Dataset, mnist: bool) -> Setup:
    """Build and (if needed) compile ``model`` and shape ``dataset`` to fit it."""
    x_train, x_test = dataset.x_train, dataset.x_test
    if mnist:
        x_train, x_test = datasets.scale_images(x_train), datasets.scale_images(x_test)
    x_train = build(model, x_train)
    x_test = x_test.reshape((-1, *x_train.shape[1:]))
    try:
        units = int(model.compute_output_spec(keras.KerasTensor((1, *x_train.shape[1:]))).shape[-1])
    except Exception:  # noqa: BLE001  (fall back to a real call)
        units = int(np.asarray(model(x_train[:1].astype("float32"), training=False)).shape[-1])
    activation = output_activation(model)
    notes: list[str] = []

    if not getattr(model, "compiled", False) or model.optimizer is None or model.loss is None:
        loss = _default_loss(units, activation)
        optimizer = model.optimizer if getattr(model, "optimizer", None) else keras.optimizers.Adam(1e-3)
        model.compile(optimizer=optimizer, loss=loss)
        name, logits = loss_config(loss)
        notes.append(
            f"the model was not compiled: netdoctor trained it with {describe_optimizer(optimizer)}"
            f" and {name} (from_logits={logits})"
        )
    if isinstance(model.loss, (list, tuple, dict)):
        raise TargetError("models with several losses are not supported yet; compile with one loss")
    loss_name, from_logits = loss_config(model.loss)
    task, one_hot = LOSS_KINDS.get(loss_name, ("regression", False))

    y_train, y_test = dataset.y_train, dataset.y_test
    labels = {"given": label_format(y_train), "stats": datasets.describe(y_train)}
    num_classes = None
    if task == "multiclass":
        labels["expected"] = "one-hot" if one_hot else "integer"
        labels["converted"] = not mnist and labels["given"] != labels["expected"]
        y_train = datasets.labels_for_loss(y_train, units, one_hot)
        y_test = datasets.labels_for_loss(y_test, units, one_hot)
        num_classes = units
    elif task == "binary":
        num_classes = 2
        classes = np.unique(dataset.y_train) if dataset.y_train.ndim == 1 else None
        if classes is not None and classes.size > 2:
            raise DataError(
                f"the model ends in a {loss_name} loss (two classes) but the data has "
                f"{classes.size} classes; use a softmax output with {classes.size} units and "
                "sparse_categorical_crossentropy"
            )
    else:
        y_train, y_test = y_train.astype("float32"), y_test.astype("float32")
        if y_train.ndim == 1 and units != 1:
            raise DataError(
                f"the model has {units} outputs but the targets are one value per example "
                f"with a {loss_name} loss"
            )
    _check_fit(model, x_train[:2], y_train[:2])
    return Setup(
        model=model,
        x_train=x_train.astype("float32", copy=False),
        y_train=y_train,
        x_test=x_test.astype("float32", copy=False),
        y_test=y_test,
        task=task,
        one_hot=one_hot,
        num_classes=num_classes,
        loss_name=loss_name,
        from_logits=from_logits,
        output_activation=activation,
        labels=labels,
        notes=notes,
    )
