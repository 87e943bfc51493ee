"""When to look closely: sampling and evaluation schedules, as plain callables over step numbers.

Schedules never materialize their steps, so a run of 10**12 planned steps costs nothing to plan.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Steps sampled at the start, where initialization problems show, before sampling thins out.
EARLY_STEPS = (0, 1, 2, 3, 4, 8, 16, 32, 64)
#: Steps between two samples after the early ones.
SAMPLE_EVERY = 100


@dataclass(frozen=True)
class SampleSchedule:
    """Dense early, sparse later: steps 0-4, 8, 16, 32, 64, then every 100, and the last step.

    ``steps`` is the planned length, or None when it is not known (the last step is then not
    known either); step numbers count from ``origin``.
    """

    steps: int | None
    origin: int = 0

    def __contains__(self, step: object) -> bool:
        if not isinstance(step, int):
            return False
        step -= self.origin
        if step < 0 or (self.steps is not None and step >= self.steps):
            return False
        return step in EARLY_STEPS or (step >= SAMPLE_EVERY and step % SAMPLE_EVERY == 0) or step == self.last

    @property
    def last(self) -> int | None:
        return None if not self.steps else self.steps - 1


@dataclass(frozen=True)
class EvalSchedule:
    """``evaluations`` held-out evaluations spread evenly over ``steps``, always at the last step."""

    steps: int
    evaluations: int = 5

    def __contains__(self, step: object) -> bool:
        if not isinstance(step, int) or not 0 <= step < self.steps:
            return False
        every = max(1, self.steps // self.evaluations)
        return (step + 1) % every == 0 or step == self.steps - 1
