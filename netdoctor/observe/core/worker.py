"""A long-lived observer process: observes target after target, each as if it had the process
to itself.

Run as ``python -m netdoctor.observe.core.worker CONTROL_FD RECORDS_FD API``. Each line read
from CONTROL_FD is a run spec (as the runner takes, plus ``cwd`` and ``output``, a file for the
target's own output); the records of that run go to RECORDS_FD, followed by a ``done`` record.
Between targets the worker undoes what a target changed: the observers' patches (undone by the
observers themselves), the working directory, ``sys.path``, the target's own modules, Keras's
global state and the default graph, and it kills what the target left running in the worker's
process group (its own session). TF1 programs need TensorFlow's v2 behaviour off for the
whole process, so a ``tf1`` worker serves them and a ``tf2`` worker everything else; a worker
given a target of the other kind answers ``done`` with ``redirect`` without running it.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
from pathlib import Path
from typing import Any

from netdoctor.observe.core import runner
from netdoctor.observe.core.spec import RunSpec
from netdoctor.observe.core.stream import RecordWriter
from netdoctor.target import SCRIPT_MODE

TENSORFLOW = "tensorflow"  # the module
_LIBRARIES = (str(Path(sys.prefix).resolve()), str(Path(sys.base_prefix).resolve()))


def _is_library(module: Any) -> bool:
    file = getattr(module, "__file__", None)
    if not file:
        return True
    path = str(Path(file).resolve())
    return path.startswith(_LIBRARIES) or "site-packages" in path


def observe_one(spec: RunSpec, writer: RecordWriter, known: set[str]) -> int:
    """Observe ``spec`` with the target's output sent to ``spec.output``; restore the process
    afterwards (Keras's state and the default graph are reset after the ``done`` record).
    Returns the runner's status."""
    cwd, path = os.getcwd(), list(sys.path)
    output = os.open(spec.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    saved = os.dup(1), os.dup(2)
    os.dup2(output, 1)
    os.dup2(output, 2)
    try:
        os.chdir(spec.cwd or cwd)
        status = runner.run(spec, writer)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (output, *saved):
            os.close(fd)
        os.chdir(cwd)
        sys.path[:] = path
        for name in set(sys.modules) - known:
            if not _is_library(sys.modules[name]):
                del sys.modules[name]
    return status


def _end_strays() -> None:
    """Kill the processes the last target left running in this process group (Linux: found
    in /proc), and reap those that were its children."""
    me, group = os.getpid(), os.getpgrp()
    if group != me:  # not a group of its own: other processes share it
        return
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(stat.parent.name)
        if pid != me and int(fields[2]) == group:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError, PermissionError):
                pass


def _reset() -> None:
    """Clear Keras's global state and TensorFlow's default graph."""
    if TENSORFLOW not in sys.modules:
        return
    import keras
    import tensorflow as tf

    keras.backend.clear_session()
    if not tf.executing_eagerly():
        tf.compat.v1.reset_default_graph()


def _api(spec: RunSpec) -> str:
    """``tf1`` for a script written against the TF1 API, else ``tf2``."""
    if spec.mode != SCRIPT_MODE:
        return "tf2"
    from netdoctor.observe.script import uses_tf1

    try:
        return "tf1" if uses_tf1(Path(spec.target)) else "tf2"
    except (OSError, SyntaxError, UnicodeDecodeError):
        return "tf2"  # the runner reports it


def serve(control_fd: int, records_fd: int, api: str) -> None:
    for fd in (control_fd, records_fd):
        os.set_inheritable(fd, False)  # the targets' own children never hold the streams
    faulthandler.enable()  # to fd 2: a crash in native code names its line in the target's output
    writer = RecordWriter(records_fd)
    if api == "tf1":
        import tensorflow as tf

        tf.compat.v1.disable_v2_behavior()
    known = set(sys.modules)
    with os.fdopen(control_fd, "r", encoding="utf-8") as control:
        for line in control:
            if not line.strip():
                continue
            spec = RunSpec.from_json(line)
            if _api(spec) != api:
                writer.write("done", redirect=True)
                continue
            status = observe_one(spec, writer, known)
            _end_strays()
            writer.write("done", status=status)
            _reset()  # while the parent reads the records
    writer.close()


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    serve(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
