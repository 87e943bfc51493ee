"""A script whose training hangs after 5 steps (a dead data loader, a lock never released)."""

import threading

import _tiny

x, y = _tiny.arrays()
_tiny.model().fit(x, y, batch_size=10, epochs=4, verbose=0, callbacks=[_tiny.AtBatch(4, threading.Event().wait)])
