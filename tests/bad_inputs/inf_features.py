"""Some training inputs are infinite (a log of zero)."""

import _tiny
import numpy as np


def load_data():
    x, y = _tiny.arrays()
    x[::20, 0] = -np.inf
    return _tiny.split(x, y)


def build_model():
    return _tiny.model()
