"""A script that closes every file descriptor it did not open itself, then trains."""

import os

import _tiny

os.closerange(3, 1024)
_tiny.model().fit(*_tiny.arrays(), batch_size=10, epochs=1, verbose=0)
