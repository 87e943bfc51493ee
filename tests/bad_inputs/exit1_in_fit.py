"""A script whose callback calls sys.exit(1) after 10 steps."""

import sys

import _tiny

x, y = _tiny.arrays()
_tiny.model().fit(x, y, batch_size=10, epochs=4, verbose=0, callbacks=[_tiny.AtBatch(9, lambda: sys.exit(1))])
