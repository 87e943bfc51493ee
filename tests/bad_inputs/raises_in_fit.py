"""A script whose callback raises after 10 steps, having printed some undecodable bytes."""

import sys

import _tiny


def fail():
    sys.stdout.buffer.write(b"bytes that are not UTF-8: \xff\xfe\n")
    raise RuntimeError("the learning-rate schedule ran out of values")


x, y = _tiny.arrays()
_tiny.model().fit(x, y, batch_size=10, epochs=4, verbose=0, callbacks=[_tiny.AtBatch(9, fail)])
