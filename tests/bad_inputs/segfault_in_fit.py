"""A script that crashes the interpreter (a segmentation fault) after 10 steps."""

import ctypes

import _tiny

x, y = _tiny.arrays()
_tiny.model().fit(x, y, batch_size=10, epochs=4, verbose=0, callbacks=[_tiny.AtBatch(9, lambda: ctypes.string_at(0))])
