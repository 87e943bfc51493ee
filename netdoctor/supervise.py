"""The parent's side of observation: start the observer process and fold its stream into a
Recording. Never imports TensorFlow; survives the target crashing, exiting or being killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from typing import Any

from netdoctor.recording import Recording, read_records
from netdoctor.target import Target

RecordCallback = Callable[[dict[str, Any]], None]


def _death(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with code {returncode}"


def _tail(output: bytes, lines: int = 20) -> str:
    return "\n".join(output.decode("utf-8", "replace").rstrip().splitlines()[-lines:])


def observe(
    target: Target,
    *,
    steps: int,
    batch_size: int,
    data: str,
    seed: int,
    argv: list[str] | None = None,
    on_record: RecordCallback | None = None,
    echo_output: bool = False,
) -> Recording:
    """Run ``target`` in an observer process and return everything it recorded.

    ``argv`` is the script's own command line (script mode). ``echo_output`` passes the target's own output through to stderr (for ``--debug``);
    otherwise it is kept and only shown when the run fails.
    """
    read_fd, write_fd = os.pipe()
    spec = {
        "target": str(target.path),
        "display": target.display,
        "mode": target.mode,
        "fd": write_fd,
        "steps": steps,
        "batch_size": batch_size,
        "data": data,
        "seed": seed,
        "argv": list(argv or []),
    }
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    recording = Recording()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "netdoctor.observe.runner", json.dumps(spec)],
            pass_fds=(write_fd,),
            stdin=subprocess.DEVNULL,
            stdout=sys.stderr if echo_output else output,
            stderr=subprocess.STDOUT,
            env=env,
        )
        os.close(write_fd)
        try:
            with os.fdopen(read_fd, "r", encoding="utf-8") as stream:
                for record in read_records(stream):
                    recording.add(record)
                    if on_record is not None:
                        on_record(record)
            returncode = process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait()
            recording.add(_stopped(recording, "interrupted by the user (Ctrl-C)", b""))
            return recording
        except ValueError as exc:  # a garbled stream: keep what was read
            process.kill()
            process.wait()
            recording.add(_stopped(recording, f"the observer's stream broke: {exc}", b""))
            return recording
        if recording.end is None and recording.error is None:
            output.seek(0)
            recording.add(_stopped(recording, f"the observer process {_death(returncode)}", output.read()))
        elif recording.error is not None:
            output.seek(0)
            captured = _tail(output.read())
            if captured:
                recording.error["output"] = captured
    return recording


def _stopped(recording: Recording, why: str, output: bytes) -> dict[str, Any]:
    steps = int(recording.train_loss.size)
    where = f" after {steps} training steps" if steps else ""
    return {"type": "error", "phase": "training", "message": why + where, "detail": _tail(output)}
