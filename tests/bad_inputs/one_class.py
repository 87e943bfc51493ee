"""Every label is 0: there is nothing to learn."""

import _tiny


def load_data():
    x, y = _tiny.arrays()
    return _tiny.split(x, 0 * y)


def build_model():
    return _tiny.model()
