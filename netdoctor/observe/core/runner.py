"""The observer process: load the target, train it under observation, stream the records.

Run as ``python -m netdoctor.observe.core.runner SPEC_JSON``; SPEC_JSON names the target, the
settings and the file descriptor to stream records to. Whatever happens (an exception, a
``sys.exit`` in the target), the stream ends with an ``end`` or an ``error`` record.
TensorFlow is imported only once the run has started, by the observers.
"""

from __future__ import annotations

import faulthandler
import os
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from netdoctor import metrics as m
from netdoctor.errors import NetdoctorError
from netdoctor.observe.core.records import Records
from netdoctor.observe.core.sources import UserCode
from netdoctor.observe.core.spec import RunSpec
from netdoctor.observe.core.stream import RecordWriter
from netdoctor.target import SCRIPT_MODE

#: Added to an error when the target wanted input, which netdoctor never gives it.
NO_INPUT = (
    "netdoctor runs the target without input (stdin is /dev/null): pass values as arguments "
    "after --, or read them from a file"
)
#: A frame of a Python traceback (or of faulthandler's dump), with its file and line.
FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')
#: The lines of TensorFlow's and Keras's errors that come before the message that says what failed.
_PREAMBLE = re.compile(
    r'^\s*(Graph execution error:|Detected at node .* defined at|Exception encountered when calling|File "|$)'
)
#: Decorations around that message: TensorFlow's function, node and op names, terminal styles.
_NOISE = re.compile(r"\{\{function_node [^}]*\}\}\s*|\s*\[\[\{\{node .*$|\s*\[Op:[^\]]*\].*$|\x1b\[[0-9;]*m")


class Phase:
    """Which part of the run is going on, so an error can say what failed."""

    def __init__(self) -> None:
        self.name = "starting"


def observe(spec: RunSpec, records: Records, phase: Phase) -> None:
    """Observe the target of ``spec``, from the first ``meta`` record to the ``end`` record."""
    started = time.perf_counter()
    facts = {m.TARGET: spec.display, m.MODE: spec.mode, m.SEED: spec.seed}
    if spec.mode == SCRIPT_MODE:  # the script decides its length and batches; netdoctor caps it
        facts[m.STEPS_LIMIT] = spec.steps
        if spec.planned:
            facts[m.STEPS_PLANNED] = spec.planned
    else:
        facts.update({m.STEPS_PLANNED: spec.steps, m.BATCH_SIZE: spec.batch_size})
    records.write("meta", **facts)
    phase.name = "importing TensorFlow"
    import keras
    import tensorflow as tf

    from netdoctor.observe.core.seam import observing
    from netdoctor.observe.keras.model_info import LayerSources

    records.write("meta", **{m.TENSORFLOW: tf.__version__, m.KERAS: keras.__version__})
    keras.utils.set_random_seed(spec.seed)
    with observing([LayerSources(Path(spec.target), spec.display)]):
        if spec.mode == SCRIPT_MODE:
            from netdoctor.observe.script import run_script

            ran = run_script(spec, records, phase)
        else:
            from netdoctor.observe.keras.model_mode import observe_file

            ran = observe_file(spec, records, phase)
    records.write("end", steps=ran, duration_s=time.perf_counter() - started)


def explained(exc: BaseException, user: UserCode) -> str:
    """``path:line: Type: message``: the error in the user's terms, at the innermost line of
    their code where it happened. For TensorFlow and Keras errors, the message is the line that
    says what failed (not "Graph execution error:"), and the line of a failing op is the one
    that created it."""
    lines = str(exc).splitlines()
    frames = [(frame.filename, frame.lineno) for frame in traceback.extract_tb(exc.__traceback__)]
    frames += [(found["file"], int(found["line"])) for found in map(FRAME.match, lines) if found]
    text = _NOISE.sub("", next((line for line in lines if not _PREAMBLE.match(line)), "")).strip()
    mine = [frame for frame in frames if user.owns(frame[0])]
    where = f"{user.location(*mine[-1])}: " if mine else ""
    if isinstance(exc, SystemExit):
        return f"{where or 'the target '}called sys.exit({exc.code!r})"
    return f"{where}{type(exc).__name__}: {text}" if text else f"{where}{type(exc).__name__}"


def _message(exc: BaseException, spec: RunSpec, phase: Phase) -> str:
    """The one line that says why the run of ``spec`` failed in ``phase``."""
    if isinstance(exc, NetdoctorError):
        message = str(exc)
    else:
        message = f"{explained(exc, UserCode(Path(spec.target), spec.display))} while {phase.name}"
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, EOFError):
        cause = cause.__cause__ or cause.__context__
    return f"{message}; {NO_INPUT}" if cause is not None else message


def run(spec: RunSpec, writer: Any) -> int:
    """Observe ``spec`` into ``writer``; write an ``error`` record for anything that goes wrong.
    Returns 0 when the run ended normally, else 1."""
    records = Records(writer)
    phase = Phase()
    try:
        observe(spec, records, phase)
        return 0
    except BaseException as exc:  # noqa: BLE001  (report anything, then exit non-zero)
        records.write("error", phase=phase.name, message=_message(exc, spec, phase), detail=traceback.format_exc())
    return 1


def main(argv: list[str] | None = None) -> int:
    spec = RunSpec.from_json((argv or sys.argv)[1])
    os.set_inheritable(spec.fd, False)  # the target's own children never hold the stream
    faulthandler.enable()  # a crash in native code still names the line it came from
    writer = RecordWriter(spec.fd)
    try:
        return run(spec, writer)
    finally:
        writer.close()


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    status = main()
    # Everything is recorded: skip TensorFlow's slow interpreter teardown (seconds).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
