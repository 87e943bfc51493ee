"""What the parent asks an observer process to do: one run, as plain data."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace


@dataclass(frozen=True)
class RunSpec:
    """One target to observe, and how."""

    target: str  # absolute path of the file
    display: str  # the path as the user gave it
    mode: str  # model | script
    steps: int  # model mode: steps to train; script mode: the most steps to let the script take
    batch_size: int  # model mode
    data: str  # model mode: the --data source
    seed: int
    argv: list[str] = field(default_factory=list)  # script mode: the script's own arguments
    planned: int | None = None  # script mode: the steps the script's loops plan, where they say
    cwd: str | None = None  # where the run starts (a shared observer changes to it)
    fd: int | None = None  # the file descriptor records go to (a fresh observer process)
    output: str | None = None  # a file for the target's own output (a shared observer)
    interventions: list[dict] = field(default_factory=list)  # fixes to apply (netdoctor.interventions)
    soft_limit: bool = False  # script mode: a fit that reaches the steps cap ends; the script goes on
    light: bool = False  # the outcome only (losses, evaluations): no sampled statistics

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> RunSpec:
        return cls(**json.loads(text))

    def but(self, **changes) -> RunSpec:
        return replace(self, **changes)
