"""A script that fits a model of 8 inputs on data with 5 features."""

import _tiny

x, y = _tiny.arrays(features=5)
_tiny.model(features=8).fit(x, y, batch_size=10, epochs=1, verbose=0)
