"""The labels are class names, not class indices."""

import _tiny
import numpy as np


def load_data():
    x, y = _tiny.arrays()
    return _tiny.split(x, np.where(y == 1, "dog", "cat"))


def build_model():
    return _tiny.model()
