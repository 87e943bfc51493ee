"""Activation capture: the outputs of chosen Keras layers during one forward pass."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import tensorflow as tf

from netdoctor.observe.core.seam import Patches


class ActivationCapture:
    """Keeps the outputs of ``layers`` while ``active`` (the probe's forward pass).

    The layers' ``call`` is wrapped on the instances through ``patches``, so undoing the patches
    leaves the model as it was.
    """

    def __init__(self, layers: Iterable[Any], patches: Patches) -> None:
        self.active = False
        self.outputs: dict[str, tf.Tensor] = {}
        for layer in layers:
            patches.shadow(layer, "call", self._wrapped(layer))

    def _wrapped(self, layer: Any):
        original = layer.call

        @functools.wraps(original)
        def call(*args, **kwargs):
            output = original(*args, **kwargs)
            if self.active and isinstance(output, tf.Tensor):
                self.outputs[layer.name] = output
            return output

        return call

    def run(self, forward) -> dict[str, tf.Tensor]:
        """Call ``forward()`` with capture on; return the outputs captured."""
        self.outputs = {}
        self.active = True
        try:
            forward()
        finally:
            self.active = False
        return self.outputs
