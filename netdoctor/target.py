"""The user's target file: read it without running it, and decide how to observe it.

A target is in *model mode* when it defines ``build_model()`` or a module-level ``model`` at
its top level; netdoctor then imports it (not as ``__main__``) and trains the model itself.
Anything else is a *script*, run as ``__main__`` under instrumentation.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from netdoctor.errors import TargetError

MODEL_MODE = "model"
SCRIPT_MODE = "script"


@dataclass(frozen=True)
class Target:
    """A readable Python file and what it defines."""

    path: Path
    mode: str
    has_build_model: bool
    has_model: bool
    has_load_data: bool

    @property
    def display(self) -> str:
        """The path as the user gave it, relative to the working directory when possible."""
        try:
            return str(self.path.relative_to(Path.cwd()))
        except ValueError:
            return str(self.path)


def inspect_target(path: str | Path) -> Target:
    """Parse ``path`` (without executing it); raise :class:`TargetError` when it is unusable."""
    file = Path(path)
    if not file.exists():
        raise TargetError(f"{path}: no such file")
    if file.is_dir():
        raise TargetError(f"{path}: is a directory; give a Python file")
    if file.suffix != ".py":
        raise TargetError(f"{path}: not a Python file (expected a .py file)")
    try:
        source = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TargetError(f"{path}: cannot read the file ({exc})") from None
    try:
        tree = ast.parse(source, filename=str(file))
    except SyntaxError as exc:
        raise TargetError(
            f"{path}:{exc.lineno}: syntax error: {exc.msg}"
        ) from None
    functions = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    assigned = {
        t.id
        for n in tree.body
        if isinstance(n, (ast.Assign, ast.AnnAssign))
        for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
        if isinstance(t, ast.Name)
    }
    has_build_model = "build_model" in functions
    has_model = "model" in assigned
    mode = MODEL_MODE if has_build_model or has_model else SCRIPT_MODE
    return Target(
        path=file.resolve(),
        mode=mode,
        has_build_model=has_build_model,
        has_model=has_model,
        has_load_data="load_data" in functions,
    )
