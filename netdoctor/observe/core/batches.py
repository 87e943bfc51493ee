"""Does a program move through its data? A fingerprint of the training batch at each sampled
step: when every one is the same, the program trains on one batch over and over (an iterator
made anew at each step, a batch drawn once before the loop).

Framework-free: numpy only. An observer that computes fingerprints in a graph uses the same
four numbers (:data:`PARTS`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: What a fingerprint holds: the sum and the sum of squares of the batch, the sum of its first
#: example, its number of examples.
PARTS = ("sum", "sum_of_squares", "first_sum", "examples")
#: Sampled steps needed before a verdict.
MIN_SAMPLED = 5


def fingerprint(x: Any) -> tuple[float, ...] | None:
    """The fingerprint of a batch of inputs (numpy), or None for what is not a batch."""
    x = np.asarray(x)
    if x.ndim < 1 or len(x) == 0 or not np.issubdtype(x.dtype, np.number):
        return None
    x = x.astype(np.float32)
    return (float(x.sum()), float(np.square(x).sum()), float(x[0].sum()), float(len(x)))


class BatchRepeats:
    """The fingerprints of the training batches of the sampled steps."""

    def __init__(self) -> None:
        self._seen: list[tuple[float, ...]] = []

    def see(self, fingerprint: Any) -> None:
        """One sampled step's fingerprint (a tuple, or an array of :data:`PARTS`)."""
        if fingerprint is None:
            return
        values = tuple(float(v) for v in np.asarray(fingerprint, dtype=np.float64).reshape(-1))
        if len(values) == len(PARTS) and all(np.isfinite(values)):
            self._seen.append(values)

    def facts(self) -> dict[str, int] | None:
        """``{"sampled", "distinct", "batch"}`` once enough steps were sampled, else None."""
        if len(self._seen) < MIN_SAMPLED:
            return None
        return {"sampled": len(self._seen), "distinct": len(set(self._seen)), "batch": int(self._seen[-1][-1])}
