"""A script that leaves a process running in the background, then trains briefly."""

import os

import _tiny

os.system("sleep 120 &")
_tiny.model().fit(*_tiny.arrays(), batch_size=10, epochs=1, verbose=0)
