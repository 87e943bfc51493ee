"""A script whose callback calls sys.exit(0) after 30 of 160 steps."""

import sys

import _tiny

x, y = _tiny.arrays()
_tiny.model().fit(x, y, batch_size=10, epochs=4, verbose=0, callbacks=[_tiny.AtBatch(29, lambda: sys.exit(0))])
