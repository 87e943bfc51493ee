"""The training set is empty."""

import _tiny


def load_data():
    x, y = _tiny.arrays()
    return (x[:0], y[:0]), (x, y)


def build_model():
    return _tiny.model()
