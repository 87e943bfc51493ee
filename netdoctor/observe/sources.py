"""Which files are the user's, and which line of them created something (an op, a variable)."""

from __future__ import annotations

import linecache
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_NETDOCTOR = Path(__file__).resolve().parent.parent
_INSTALLED = {"site-packages", "dist-packages"}


@dataclass(frozen=True)
class Origin:
    """Where user code created something: the innermost user frame, and the outermost if different."""

    source: str  # "examples/train.py:41"
    function: str  # "accuracy", or "<module>"
    code: str  # the text of that line
    called_from: str | None = None  # "examples/train.py:63", the outermost user frame

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "function": self.function,
            "code": self.code,
            "called_from": self.called_from,
        }


class UserCode:
    """The script and the files next to it (not installed packages, not netdoctor itself)."""

    def __init__(self, script: Path, display: str) -> None:
        self.script = script.resolve()
        self.root = self.script.parent
        self.script_display = display
        self._owned: dict[str, bool] = {}

    def owns(self, filename: str) -> bool:
        known = self._owned.get(filename)
        if known is None:
            path = Path(filename).resolve()
            known = path == self.script or (
                path.is_relative_to(self.root)
                and not path.is_relative_to(_NETDOCTOR)
                and not _INSTALLED & set(path.parts)
            )
            self._owned[filename] = known
        return known

    def display(self, filename: str) -> str:
        path = Path(filename).resolve()
        if path == self.script:
            return self.script_display
        try:
            return os.path.relpath(path)
        except ValueError:  # another drive on Windows
            return str(path)

    def location(self, filename: str, lineno: int) -> str:
        return f"{self.display(filename)}:{lineno}"

    def origin(self, frames: Iterable[Any]) -> Origin | None:
        """The user frames of a stack (outermost first; objects with filename, lineno, name)."""
        mine = [f for f in frames if self.owns(f.filename)]
        if not mine:
            return None
        inner, outer = mine[-1], mine[0]
        called_from = None if outer is inner else self.location(outer.filename, outer.lineno)
        return Origin(
            source=self.location(inner.filename, inner.lineno),
            function=inner.name,
            code=linecache.getline(inner.filename, inner.lineno).strip(),
            called_from=called_from,
        )
