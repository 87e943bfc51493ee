"""Labels go up to 12, but the model has 10 output units."""

import _tiny


def load_data():
    x, y = _tiny.arrays()
    return _tiny.split(x, y * 12)


def build_model():
    return _tiny.model(classes=10)
