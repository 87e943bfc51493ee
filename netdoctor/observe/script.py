"""Script mode: run the user's program unchanged, as ``__main__``, under instrumentation.

Whatever trains is observed: TF1 ``Session.run`` of a training op (the TF1 API is served from
``tf.compat.v1``), Keras ``fit``, and custom loops that ask a ``GradientTape`` for gradients,
eager or inside ``tf.function``s, updated by an optimizer or by hand.
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

from netdoctor import metrics as m
from netdoctor.errors import TargetError
from netdoctor.observe.core.records import Records, SampleWriter, StepLimitReached, StepLog
from netdoctor.observe.core.seam import observing
from netdoctor.observe.core.sources import UserCode
from netdoctor.observe.core.spec import RunSpec
from netdoctor.target import read_source

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


def uses_tf1(path: Path) -> bool:
    """Whether the script is written against the TF1 API (it needs ``tf.compat.v1``)."""
    from netdoctor.observe.tf1.compat import tf1_names

    return bool(tf1_names(ast.parse(read_source(path), filename=str(path))))


def run_script(spec: RunSpec, records: Records, phase: Any) -> int:
    """Run the script in ``spec`` under every observer; return the number of training steps.

    Stops the script after ``spec.steps`` training steps. Raises :class:`TargetError` when
    the script ends without training anything.
    """
    import tensorflow as tf

    from netdoctor.observe import intervene
    from netdoctor.observe.core.pairing import Pairing
    from netdoctor.observe.keras.fit import FitHook
    from netdoctor.observe.loops.watch import LoopWatch
    from netdoctor.observe.shims import MnistShims
    from netdoctor.observe.tf1.compat import serve_compat_v1, tf1_names
    from netdoctor.observe.tf1.session import SessionWatch

    path, display, seed, limit = Path(spec.target), spec.display, spec.seed, spec.steps
    phase.name = "reading the script"
    tree = ast.parse(read_source(path), filename=str(path))
    steps = StepLog(records, horizon=0 if spec.light else spec.planned, limit=limit, soft=spec.soft_limit)
    samples = SampleWriter(records)
    user = UserCode(path, display)

    legacy = tf1_names(tree)
    if legacy:
        tree = serve_compat_v1(tree)
        tf.compat.v1.disable_v2_behavior()
        tf.compat.v1.set_random_seed(seed)
        shown = ", ".join(legacy[:NAMES_IN_NOTE]) + (", ..." if len(legacy) > NAMES_IN_NOTE else "")
        records.write(
            "meta",
            **{
                m.API: "tf1",
                m.NOTES: [
                    f"the script uses the TF1 API ({shown}): netdoctor ran it with tf.compat.v1, "
                    "v2 behaviour disabled"
                ],
            },
        )
    code = compile(tree, str(path), "exec")

    phase.name = "running the script"
    stopped = False
    with as_main(path, list(spec.argv)) as namespace:
        pairing = Pairing()
        loops = LoopWatch(records, steps, samples, user, namespace, seed, count_variables=not legacy, pairing=pairing)
        fits = FitHook(records, steps, samples, seed, around_fit=loops.paused, pairing=pairing)
        sessions = SessionWatch(records, steps, samples, user, seed, pairing=pairing)
        observers = [MnistShims(records, seed, pairing), sessions, loops, fits]
        observers += intervene.for_spec(spec.interventions, records, user, seed, namespace)  # outermost
        try:
            with observing(observers):
                exec(code, namespace)
        except StepLimitReached:
            stopped = True
        except SystemExit as exc:
            if exc.code not in (None, 0) or fits.interrupted or steps.steps == 0:
                raise
        finally:
            steps.flush()
            paired = pairing.facts()
            if paired is not None:
                records.write("meta", **{m.LABEL_PAIRING: paired})
            evaluated = pairing.evaluation
            if evaluated is not None and "eval" not in records.types and steps.steps > 0:
                records.write("eval", step=steps.steps - 1, **evaluated)
    if stopped:
        records.write(
            "meta",
            **{
                m.STOPPED: True,
                m.NOTES: [f"netdoctor stopped the script after {steps.steps:,} training steps (--steps)"],
            },
        )
    if steps.steps == 0:
        raise TargetError(
            f"{display} ran to the end without training anything: no Session.run of a training op, "
            "no model.fit, no gradient computed with GradientTape"
        )
    return steps.steps
