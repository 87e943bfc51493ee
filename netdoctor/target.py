"""The user's target file: read it without running it, and decide how to observe it.

A target is in *model mode* when it defines ``build_model()``, or a module-level ``model`` and
no top-level training (no ``model.fit(...)``, ``sess.run(...)`` or ``__main__`` block); netdoctor
then imports it (not as ``__main__``) and trains the model itself. Anything else is a
*script*, run as ``__main__`` under instrumentation.
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


#: Method names whose call at a module's top level means the module trains when run.
_TRAINING_CALLS = {"fit", "fit_generator", "train_on_batch", "run", "minimize", "apply_gradients"}


def _runs_training(tree: ast.Module) -> bool:
    """Whether the module's own top-level code (outside functions and classes) trains, or it
    has a ``__main__`` block: then it is a script, even if it names a ``model``."""
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(statement, ast.If) and "__main__" in ast.unparse(statement.test):
            return True
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _TRAINING_CALLS
            ):
                return True
    return False


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
    mode = MODEL_MODE if has_build_model or (has_model and not _runs_training(tree)) else SCRIPT_MODE
    return Target(
        path=file.resolve(),
        mode=mode,
        has_build_model=has_build_model,
        has_model=has_model,
        has_load_data="load_data" in functions,
    )
