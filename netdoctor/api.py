"""The Python API: diagnose a recording, a target file, a Keras model or a function that builds
one, and get the report ``netdoctor check`` would give::

    import netdoctor

    report = netdoctor.diagnose("models/classifier.py")    # observed in a child process
    report = netdoctor.diagnose(build_model, steps=300)    # trained here, on the offline MNIST
    print(report.verdict, [f.code for f in report.root_causes])

Importing it does not import TensorFlow; diagnosing a model or a factory does.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from netdoctor import metrics as m
from netdoctor.config import Settings
from netdoctor.errors import TargetError
from netdoctor.findings import Report
from netdoctor.judge import diagnose as judge
from netdoctor.recording import Recording

#: What can be diagnosed: a recording, a target file, a ``keras.Model``, or a function returning one.
Target = Recording | str | os.PathLike | Callable[[], Any] | Any
#: Training data: a ``--data`` source (``mnist``, ``mnist-full``, ``PATH.npz``) or ``((x, y), (x, y))``.
Data = str | tuple
#: Where the report says the settings given to :func:`diagnose` came from.
SOURCE = "netdoctor.diagnose()"
#: How the report names data given as arrays.
ARRAYS = "arrays given to netdoctor.diagnose()"


def diagnose(
    target: Target,
    *,
    data: Data | None = None,
    steps: int | None = None,
    batch_size: int | None = None,
    seed: int | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    settings: dict[str, Any] | None = None,
    argv: list[str] | None = None,
    timeout: float | None = None,
) -> Report:
    """Judge ``target``: a :class:`Recording` as it was recorded; anything else once
    :func:`record` has observed it (``netdoctor check``'s defaults for what is None).

    ``select`` and ``ignore`` choose rules by code prefix, ``options`` maps a rule code to its
    options, and ``settings`` replaces the run settings the report shows."""
    if isinstance(target, Recording):
        run = {"data": data, "steps": steps, "batch_size": batch_size, "seed": seed, "argv": argv, "timeout": timeout}
        given = [name for name, value in run.items() if value is not None]
        if given:
            raise TypeError(f"a recording is judged as it was recorded: {', '.join(given)} do not apply")
        return judge(target, select=select, ignore=ignore, options=options, settings=settings)
    chosen = Settings()
    for name, value in {
        "data": data if data is None or isinstance(data, str) else ARRAYS,
        "steps": steps,
        "batch_size": batch_size,
        "seed": seed,
        "select": None if select is None else list(select),
        "ignore": None if ignore is None else list(ignore),
    }.items():
        chosen.set(name, value, SOURCE)
    recording = record(
        target, data=chosen.data if data is None else data, steps=chosen.steps, batch_size=chosen.batch_size,
        seed=chosen.seed, argv=argv, timeout=timeout,
    )  # fmt: skip
    return judge(
        recording, select=chosen.select, ignore=chosen.ignore, options=options, settings=settings or chosen.as_dict()
    )


def record(
    target: Target,
    *,
    data: Data = "mnist",
    steps: int = 1000,
    batch_size: int = 50,
    seed: int = 0,
    argv: list[str] | None = None,
    timeout: float | None = None,
) -> Recording:
    """Observe ``target`` without judging it. A target file runs in an observer process, as
    ``netdoctor check`` runs it (``argv``: a script's own arguments; ``timeout``: seconds), and
    raises :class:`TargetError` where the command would exit 2; a model, or a function
    returning one, is trained here in model mode."""
    if isinstance(target, (str, os.PathLike)):
        return _record_file(target, data=data, steps=steps, batch_size=batch_size, seed=seed, argv=argv, timeout=timeout)
    if argv is not None or timeout is not None:
        raise TypeError("argv and timeout apply to target files only")
    return _record_model(target, data=data, steps=steps, batch_size=batch_size, seed=seed)


def _record_file(
    path: str | os.PathLike, *, data: Data, steps: int, batch_size: int, seed: int, argv: list[str] | None,
    timeout: float | None,
) -> Recording:  # fmt: skip
    from netdoctor.supervise import observe
    from netdoctor.target import inspect_target

    if not isinstance(data, str):
        raise TypeError("a target file takes data as a source name or an .npz path")
    started = time.perf_counter()
    recording = observe(
        inspect_target(path), steps=steps, batch_size=batch_size, data=data, seed=seed, argv=argv, timeout=timeout
    )
    recording.meta[m.WALL_SECONDS] = time.perf_counter() - started
    if recording.error is not None and recording.train_loss.size == 0:
        raise TargetError(recording.error.get("message", "the run failed"))
    return recording


def _record_model(target: Any, *, data: Data, steps: int, batch_size: int, seed: int) -> Recording:
    import keras
    import numpy as np
    import tensorflow as tf

    from netdoctor import data as datasets
    from netdoctor.observe.core.records import Records
    from netdoctor.observe.core.runner import Phase
    from netdoctor.observe.core.stream import MemoryWriter
    from netdoctor.observe.keras.model_mode import observe_model
    from netdoctor.target import MODEL_MODE

    started = time.perf_counter()
    keras.utils.set_random_seed(seed)
    if isinstance(target, keras.Model):
        model, origin = target, f"model `{target.name}`"
    else:
        model, origin = target(), f"{getattr(target, '__qualname__', 'the function')}()"
        if not isinstance(model, keras.Model):
            raise TypeError(f"{origin} returned a {type(model).__name__}, not a keras.Model")
    if isinstance(data, str):
        dataset, is_mnist = datasets.load(data, seed), data in datasets.MNIST_SOURCES
    else:
        (x_train, y_train), (x_test, y_test) = data
        arrays = (np.asarray(a) for a in (x_train, y_train, x_test, y_test))
        dataset, is_mnist = datasets.Dataset(*arrays, source=ARRAYS), False
    writer = MemoryWriter()
    records = Records(writer)
    records.write(
        "meta",
        **{m.TARGET: origin, m.MODE: MODEL_MODE, m.STEPS_PLANNED: steps, m.BATCH_SIZE: batch_size, m.SEED: seed},
        **{m.TENSORFLOW: tf.__version__, m.KERAS: keras.__version__},
    )
    ran = observe_model(model, origin, dataset, is_mnist, records, Phase(), steps=steps, batch_size=batch_size, seed=seed)
    records.write("end", steps=ran, duration_s=time.perf_counter() - started)
    return writer.recording


def to_json(report: Report) -> str:
    """The report as ``netdoctor check --format json`` writes it."""
    from netdoctor import __version__
    from netdoctor.output.json_report import render_json

    return render_json(report, __version__)


def to_dict(report: Report) -> dict[str, Any]:
    """:func:`to_json`'s document as plain data (NaN and infinities as strings)."""
    return json.loads(to_json(report))
