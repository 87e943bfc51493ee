"""A valid model file with its own small data set, for flags that need a run that works."""

import _tiny


def load_data():
    return _tiny.split(*_tiny.arrays())


def build_model():
    return _tiny.model()
