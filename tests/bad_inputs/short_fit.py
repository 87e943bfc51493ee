"""A valid fit script of 30 steps, for flags that need a run that works."""

import _tiny

_tiny.model().fit(*_tiny.arrays(), batch_size=10, epochs=1, verbose=0)
