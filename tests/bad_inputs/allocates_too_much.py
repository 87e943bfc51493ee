"""build_model() asks for far more memory than any machine has (80 PB)."""

import numpy as np


def build_model():
    np.ones((10**8, 10**8))
