"""A fixed probe batch for a Keras model that netdoctor does not train itself: gradients of
the model's compiled loss and the activations of watched layers, in one compiled function."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from netdoctor import metrics as m
from netdoctor.observe.core.seam import Patches
from netdoctor.observe.keras.model_info import trained_kernels, watched_layers
from netdoctor.observe.tf import stats
from netdoctor.observe.tf.capture import ActivationCapture


class Probe:
    """Measures ``model`` on the batch ``x`` (and ``y``): with labels and a compiled loss, the
    gradient of every trainable variable; always, the activations of watched layers."""

    def __init__(self, model: keras.Model, patches: Patches, x: Any, y: Any = None) -> None:
        self.model = model
        self.x, self.y = x, y
        self.kernels = trained_kernels(model)
        self.variables = list(model.trainable_variables)
        self.names = {id(v): v.path for v in self.variables}
        self.with_gradients = y is not None and getattr(model, "loss", None) is not None
        self.missing: set[str] = set()
        watched = watched_layers(model)
        self.activations = {layer.name: activation for layer, activation in watched.items()}
        self.capture = ActivationCapture(watched, patches)
        self._measure = tf.function(self._measured)

    def measure(self) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        """Per-layer and per-variable numbers at the model's current weights."""
        return self._measure(self.x, self.y) if self.with_gradients else self._measure(self.x)

    def _measured(self, x, y=None):
        layers: dict[str, dict[str, Any]] = {}
        variables: dict[str, dict[str, Any]] = {}
        with tf.GradientTape() as tape:
            outputs = {}

            def forward():
                outputs["y_pred"] = self.model(x, training=False)

            captured = self.capture.run(forward)
            loss = (
                self.model.compute_loss(x=x, y=y, y_pred=outputs["y_pred"], training=False)
                if self.with_gradients
                else None
            )
        if loss is not None:
            gradients = tape.gradient(loss, self.variables)
            self.missing = {v.path for g, v in zip(gradients, self.variables) if g is None}
            variables = stats.gradients_stats(gradients, self.variables, self.names)
            layers = {
                name: {m.GRAD_NORM: variables.get(kernel.path, {}).get(m.GRAD_NORM, tf.constant(0.0))}
                for name, kernel in self.kernels.items()
            }
        for name, output in captured.items():
            layers.setdefault(name, {}).update(stats.activation_stats(output, self.activations[name]))
        return layers, variables


def regularization_loss(model) -> tf.Tensor:
    """The sum of the model's regularization penalties (``model.losses``; 0 without any)."""
    penalties = [tf.cast(p, tf.float32) for p in model.losses]
    return tf.add_n(penalties) if penalties else tf.constant(0.0)


def is_array(value: Any) -> bool:
    return isinstance(value, (np.ndarray, tf.Tensor))


def probe_batch(x: Any, y: Any, size: int, seed: int) -> tuple[Any, Any] | None:
    """A fixed batch of training data: a random sample of arrays, or a dataset's first batch."""
    if isinstance(x, tf.data.Dataset):
        batch = next(iter(x.take(1)), None)
        return (batch[0], batch[1]) if isinstance(batch, tuple) and len(batch) > 1 else None
    if isinstance(x, keras.utils.PyDataset):
        batch = x[0]
        return (batch[0], batch[1]) if isinstance(batch, tuple) and len(batch) > 1 else None
    leaves = tf.nest.flatten(x) + tf.nest.flatten(y)
    if y is None or not leaves or not all(is_array(leaf) for leaf in leaves):
        return None
    chosen = np.sort(np.random.default_rng(seed).permutation(len(leaves[0]))[:size])
    pick = lambda a: tf.constant(np.asarray(a)[chosen])  # noqa: E731
    return tf.nest.map_structure(pick, x), tf.nest.map_structure(pick, y)
