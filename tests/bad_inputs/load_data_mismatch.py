"""load_data() gives 300 training inputs but 250 labels."""

import _tiny


def load_data():
    (x, y), test = _tiny.split(*_tiny.arrays())
    return (x, y[:250]), test


def build_model():
    return _tiny.model()
