"""Which files are the user's, and which line of them created something (an op, a variable)."""

from __future__ import annotations

import ast
import linecache
import os
import re
from collections import Counter
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

    @property
    def assigned_name(self) -> str | None:
        """The Python name the line assigns to (``W1`` for ``W1 = tf.Variable(...)``), if any."""
        try:
            statement = ast.parse(self.code).body[0]
        except (SyntaxError, IndexError):
            return None
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if len(targets) == 1:
                target = targets[0]
                if isinstance(target, ast.Name):
                    return target.id
                if isinstance(target, ast.Attribute):  # self.w1 = tf.Variable(...)
                    return target.attr
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "function": self.function,
            "code": self.code,
            "called_from": self.called_from,
        }


#: Names TensorFlow gives variables nobody named.
AUTO_NAME = re.compile(r"^Variable(_\d+)?$")


def readable_names(named: dict[Any, tuple[str, Origin | None]]) -> dict[Any, str]:
    """A name for each of ``named`` (key -> its own name and where the program created it): its
    own, or, when TensorFlow named it ``Variable_N``, the Python name the program assigned it to,
    where no other one got that name."""
    names = {
        key: ((origin.assigned_name if origin else None) or own) if AUTO_NAME.match(own) else own
        for key, (own, origin) in named.items()
    }
    counts = Counter(names.values())
    names = {key: name if counts[name] == 1 else named[key][0] for key, name in names.items()}
    seen: Counter = Counter()
    unique = {}
    for key, name in names.items():  # eager TensorFlow names every unnamed variable "Variable"
        seen[name] += 1
        unique[key] = name if seen[name] == 1 else f"{name}_{seen[name] - 1}"
    return unique


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
            if filename.startswith("<"):  # <frozen runpy>, <string>: not a file of the program
                self._owned[filename] = False
                return False
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
