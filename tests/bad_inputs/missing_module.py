"""Imports a module that is not installed."""

import keras
import no_such_module_for_netdoctor  # noqa: F401


def build_model():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])
