"""The user's target file: read it without running it, and decide how to observe it.

How a file is classified, by what it does (never by what its variables are called):

- A file whose top-level code trains is a **script**: some statement outside functions and
  classes calls, directly or through functions of the file, something that trains (``fit``,
  ``train_on_batch``, ``Session.run``, ``minimize``, ``apply_gradients``, a tape's
  ``gradient``, ``assign_sub``/``assign_add``), or the file has an
  ``if __name__ == "__main__":`` block and no ``build_model()``. netdoctor runs it as
  ``__main__``, exactly as ``python FILE`` would, with the offline data served.
- Otherwise, a file that defines ``build_model()`` or a module-level Keras model is a **model
  file**: netdoctor imports it (not as ``__main__``) and trains the model itself.
- Anything else is run as a script (which then says it trained nothing).
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

from netdoctor.errors import TargetError

MODEL_MODE = "model"
SCRIPT_MODE = "script"

#: What to do about a file that does not decode.
ENCODING_HINT = "save it as UTF-8, or name its encoding in a first-line comment such as # -*- coding: latin-1 -*-"
#: Method names whose call means the code trains.
TRAINING_CALLS = {
    "fit",
    "fit_generator",
    "train_on_batch",
    "run",
    "minimize",
    "apply_gradients",
    "gradient",
    "assign_sub",
    "assign_add",
}


@dataclass(frozen=True)
class Target:
    """A readable Python file and what it defines."""

    path: Path
    mode: str
    has_build_model: bool
    has_model: bool
    has_load_data: bool
    planned_steps: int | None = None  # a script's training steps, where its loops say (range(N))

    @property
    def display(self) -> str:
        """The path as the user gave it, relative to the working directory when possible."""
        try:
            return str(self.path.relative_to(Path.cwd()))
        except ValueError:
            return str(self.path)


def _calls(node: ast.AST) -> tuple[set[str], bool]:
    """Names of the file's own functions called in ``node``, and whether it calls something that trains."""
    names, trains = set(), False
    for child in ast.walk(node):
        if not isinstance(child, ast.Call):
            continue
        function = child.func
        if isinstance(function, ast.Attribute) and function.attr in TRAINING_CALLS:
            trains = True
        if isinstance(function, ast.Name):
            names.add(function.id)
        elif isinstance(function, ast.Attribute):
            names.add(function.attr)  # a method of one of the file's classes
    return names, trains


def trains_at_top_level(tree: ast.Module) -> bool:
    """Whether the module's own top-level code trains when it runs, through any chain of calls
    into the functions and methods it defines."""
    bodies: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bodies.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.ClassDef):
            bodies.setdefault(node.name, []).append(node)  # instantiating runs __init__ and more
    pending = [s for s in tree.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    seen: set[str] = set()
    while pending:
        names, trains = _calls(pending.pop())
        if trains:
            return True
        for name in names - seen:
            seen.add(name)
            pending.extend(bodies.get(name, []))
    return False


def _range_size(node: ast.AST, constants: dict[str, int]) -> int | None:
    """N for ``range(N)`` (a literal, or a top-level name bound to one), else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"):
        return None
    if len(node.args) != 1 or node.keywords:
        return None
    arg = node.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, int):
        return arg.value
    if isinstance(arg, ast.Name):
        return constants.get(arg.id)
    return None


def planned_steps(tree: ast.Module) -> int | None:
    """The training steps a script's own loops plan: the product of the ``range(N)`` loops
    around its first training call at top level (``for step in range(1000): sess.run(train)``).
    None where a loop iterates anything else (a dataset, a generator) or there is none."""
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, int)
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def within(statements: list[ast.stmt]) -> tuple[bool, int | None]:
        """Whether a training call is found in ``statements``, and the steps its loops plan."""
        for statement in statements:
            if isinstance(statement, ast.For):
                size = _range_size(statement.iter, constants)
                found, inner = within(statement.body)
                if found:
                    return True, None if size is None or inner is None else size * inner
                if _calls(statement)[1]:
                    return True, size
            elif isinstance(statement, (ast.With, ast.If)):
                found, inner = within(statement.body)
                if found:
                    return True, inner
        return False, None

    top = [s for s in tree.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    found, steps = within(top)
    return steps if found and steps and steps > 1 else None


def _has_main_block(tree: ast.Module) -> bool:
    return any(isinstance(s, ast.If) and "__main__" in ast.unparse(s.test) for s in tree.body)


def read_source(file: Path) -> str:
    """The file's text, decoded as Python decodes it (its coding line, else UTF-8)."""
    data = file.read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


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
        source = read_source(file)
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise TargetError(
            f"{path}:{line}: cannot read the file: byte {exc.object[exc.start]:#04x} is not {exc.encoding}; "
            f"{ENCODING_HINT}"
        ) from None
    except SyntaxError as exc:  # the coding line, or first lines that do not decode
        raise TargetError(f"{path}: cannot read the file ({exc}); {ENCODING_HINT}") from None
    except (OSError, LookupError) as exc:
        raise TargetError(f"{path}: cannot read the file ({exc})") from None
    try:
        tree = ast.parse(source, filename=str(file))
    except SyntaxError as exc:
        raise TargetError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    if all(isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) for s in tree.body):  # a docstring at most
        raise TargetError(f"{path}: the file has no code to run; give a model file with build_model() or a script")
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
    script = trains_at_top_level(tree) or (_has_main_block(tree) and not has_build_model)
    mode = MODEL_MODE if (has_build_model or has_model) and not script else SCRIPT_MODE
    return Target(
        path=file.resolve(),
        mode=mode,
        has_build_model=has_build_model,
        has_model=has_model,
        has_load_data="load_data" in functions,
        planned_steps=planned_steps(tree) if mode == SCRIPT_MODE else None,
    )
