"""The observer's side of the record stream: one JSON object per line, flushed as written."""

from __future__ import annotations

import json
import os
from typing import Any, BinaryIO

from netdoctor.recording import Recording, dumps


class RecordWriter:
    """Writes records to a file descriptor the parent reads; survives the parent going away."""

    def __init__(self, fd: int) -> None:
        self._out: BinaryIO | None = os.fdopen(fd, "wb", buffering=0)

    def write(self, type: str, **fields: Any) -> None:
        if self._out is None:
            return
        line = (dumps({"type": type, **fields}) + "\n").encode("utf-8")
        try:
            self._out.write(line)
        except (BrokenPipeError, OSError):  # the parent stopped reading: keep training quietly
            self._out = None

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


class MemoryWriter:
    """Folds records straight into a Recording, for observation inside the calling process."""

    def __init__(self, recording: Recording | None = None) -> None:
        self.recording = recording if recording is not None else Recording()

    def write(self, type: str, **fields: Any) -> None:
        self.recording.add(json.loads(dumps({"type": type, **fields})))
