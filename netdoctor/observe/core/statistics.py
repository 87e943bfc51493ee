"""The parts of the statistics that need no framework: comparing unit signatures, and the
process's memory."""

from __future__ import annotations

import os

import numpy as np


def duplicate_fraction(signatures: np.ndarray, rtol: float = 1e-5) -> float:
    """Share of units whose signature matches another unit's within ``rtol`` of the layer's scale.

    ``signatures`` is (directions, units): each unit's incoming weights projected on a few fixed
    random directions (``observe.tf.stats.unit_signatures``). Units with identical weights get
    identical signatures; units that differ almost surely do not. Sorting on the first
    direction makes the comparison O(units log units) instead of O(units^2 * fan_in).
    """
    signatures = np.asarray(signatures, dtype=np.float64)
    units = signatures.shape[1]
    if units < 2 or not np.all(np.isfinite(signatures)):
        return float("nan") if units >= 2 else 0.0
    tolerance = rtol * max(float(np.abs(signatures).max()), 1e-30)
    order = np.argsort(signatures[0], kind="stable")
    ordered = signatures[:, order]
    duplicate = np.zeros(units, dtype=bool)
    start = 0
    for end in range(1, units + 1):  # runs of units whose first coordinate agrees
        if end < units and ordered[0, end] - ordered[0, end - 1] <= tolerance:
            continue
        if end - start > 1:
            group = ordered[:, start:end]
            close = np.all(np.abs(group[:, :, None] - group[:, None, :]) <= tolerance, axis=0)
            duplicate[order[start:end]] = close.sum(axis=1) > 1
        start = end
    return float(duplicate.mean())


def resident_memory_bytes() -> int | None:
    """This process's resident memory now (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
