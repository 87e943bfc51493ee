"""A script that starts a process in the background, then crashes (a segmentation fault) after
10 training steps, leaving that process behind."""

import ctypes
import os

import _tiny

os.system("sleep 120 &")
x, y = _tiny.arrays()
_tiny.model().fit(x, y, batch_size=10, epochs=4, verbose=0, callbacks=[_tiny.AtBatch(9, lambda: ctypes.string_at(0))])
