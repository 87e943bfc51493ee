"""The held-out set is empty: no test accuracy can be measured."""

import _tiny


def load_data():
    x, y = _tiny.arrays()
    return (x, y), (x[:0], y[:0])


def build_model():
    return _tiny.model()
