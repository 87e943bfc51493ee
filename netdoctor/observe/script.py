"""Script mode: run the user's program unchanged, as ``__main__``, under instrumentation.

Whatever trains is observed: TF1 ``Session.run`` of a training op (the TF1 API is served from
``tf.compat.v1``), Keras ``fit``, and ``tf.function`` or eager loops that take optimizer steps.
"""

from __future__ import annotations

import ast
import builtins
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from netdoctor.errors import TargetError
from netdoctor.observe.stream import RecordWriter

#: The TF1 names a note lists before "...".
NAMES_IN_NOTE = 4


@contextmanager
def as_main(path: Path, argv: list[str]) -> Iterator[dict[str, Any]]:
    """A fresh ``__main__`` module for ``path``, with its folder on ``sys.path`` and its own argv."""
    module = ModuleType("__main__")
    module.__file__ = str(path)
    module.__builtins__ = builtins
    saved = sys.modules["__main__"], sys.argv, list(sys.path)
    sys.modules["__main__"] = module
    sys.argv = [str(path), *argv]
    sys.path.insert(0, str(path.parent))
    try:
        yield module.__dict__
    finally:
        sys.modules["__main__"], sys.argv, sys.path[:] = saved[0], saved[1], saved[2]


def run_script(spec: dict[str, Any], writer: RecordWriter, phase: Any) -> int:
    """Run the script in ``spec``; return the number of training steps observed.

    Stops the script after ``spec["steps"]`` training steps. Raises :class:`TargetError` when
    the script ends without training anything.
    """
    import tensorflow as tf

    from netdoctor.observe import tf1
    from netdoctor.observe.functions import FunctionWatch
    from netdoctor.observe.keras_fit import FitHook
    from netdoctor.observe.mnist_shims import MnistShims
    from netdoctor.observe.samples import Records, SampleWriter, StepLimitReached, StepLog
    from netdoctor.observe.sources import UserCode

    path, display, seed, limit = Path(spec["target"]), spec["display"], spec["seed"], spec["steps"]
    phase.name = "reading the script"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    records = Records(writer)
    steps = StepLog(records, horizon=limit, limit=limit)
    samples = SampleWriter(records)
    user = UserCode(path, display)

    legacy = tf1.tf1_names(tree)
    if legacy:
        tree = tf1.serve_compat_v1(tree)
        tf.compat.v1.disable_v2_behavior()
        tf.compat.v1.set_random_seed(seed)
        shown = ", ".join(legacy[:NAMES_IN_NOTE]) + (", ..." if len(legacy) > NAMES_IN_NOTE else "")
        records.write(
            "meta",
            api="tf1",
            notes=[
                f"the script uses the TF1 API ({shown}): netdoctor ran it with tf.compat.v1, "
                "v2 behaviour disabled"
            ],
        )
    code = compile(tree, str(path), "exec")

    phase.name = "running the script"
    stopped = False
    with as_main(path, list(spec.get("argv", []))) as namespace:
        sessions = tf1.SessionWatch(records, steps, samples, user, seed)
        functions = FunctionWatch(records, steps, samples, user, namespace, seed)
        fits = FitHook(records, steps, samples, seed, around_fit=functions.paused)
        MnistShims(records, seed).install()
        sessions.install()
        functions.install(count_variables=not legacy)
        fits.install()
        try:
            exec(code, namespace)
        except StepLimitReached:
            stopped = True
        except SystemExit as exc:
            if exc.code not in (None, 0):
                raise
        finally:
            steps.flush()
            sessions.finish()
            functions.finish()
    if stopped:
        records.write(
            "meta", notes=[f"netdoctor stopped the script after {steps.steps:,} training steps (--steps)"]
        )
    if steps.steps == 0:
        raise TargetError(
            f"{display} ran to the end without training anything: no Session.run of a training op, "
            "no model.fit, no optimizer step"
        )
    return steps.steps
