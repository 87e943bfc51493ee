"""A script that calls sys.exit(0) before it trains anything."""

import sys

import _tiny

net = _tiny.model()
sys.exit(0)
net.fit(*_tiny.arrays(), batch_size=10, epochs=4, verbose=0)
