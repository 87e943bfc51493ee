"""The parent's side of observation: start an observer process and fold its stream into a
Recording. Never imports TensorFlow; survives anything the target does.

The observer runs in its own session (process group), so a Ctrl-C at the terminal reaches
netdoctor, which then stops the observer and everything the target started (SIGTERM, then
SIGKILL after a grace period or at a second Ctrl-C), and still reports what was recorded. The
same happens on SIGTERM and when ``timeout`` runs out. Each observer process has a temporary
folder of its own (``TMPDIR``), removed with what it holds (TensorFlow's autograph files, the
target's own) once the process is gone, however it ended.

Many targets can share one long-lived observer process (:func:`shared_observer`): each is
observed as in a fresh process (patches undone, Keras state cleared, the target's modules
forgotten, seeds set again), which saves one TensorFlow import per target. netdoctor's own
test suite and corpus scoring use it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from netdoctor.observe.core.runner import FRAME
from netdoctor.observe.core.sources import UserCode
from netdoctor.observe.core.spec import RunSpec
from netdoctor.recording import Recording
from netdoctor.target import Target

RecordCallback = Callable[[dict[str, Any]], None]
#: Seconds an observer gets to stop after SIGTERM before it is killed.
GRACE_SECONDS = 3.0
#: Why a run stopped at its ``timeout``.
TIME_LIMIT = "the run reached its time limit (--timeout)"
#: Lines of the target's own output kept in a report about a failed run.
OUTPUT_LINES = 20
#: Signals of a crash in native code (faulthandler then prints the Python stack).
CRASHES = {signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT}


class Interrupted(Exception):
    """The user (Ctrl-C), the system (SIGTERM) or the deadline stopped the run."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _death(returncode: int, output: bytes, spec: RunSpec) -> str:
    """How the target's process ended, in words, with the target's line where it crashed."""
    if returncode >= 0:
        return f"exited with code {returncode}"
    try:
        sig = signal.Signals(-returncode)
    except ValueError:
        return f"was killed by signal {-returncode}"
    if sig == signal.SIGKILL:
        return "was killed by SIGKILL (as the system does when memory runs out)"
    if sig not in CRASHES:
        return f"was killed by {sig.name}"
    user = UserCode(Path(spec.target), spec.display)
    # faulthandler lists the crashed thread's frames innermost first
    lines = output.decode("utf-8", "replace").splitlines()
    frames = [(found["file"], int(found["line"])) for found in map(FRAME.match, lines) if found]
    mine = next((frame for frame in frames if user.owns(frame[0])), None)
    return f"crashed with {sig.name}" + (f" at {user.location(*mine)}" if mine else "")


def _tail(output: bytes, lines: int = OUTPUT_LINES) -> str:
    return "\n".join(output.decode("utf-8", "replace").rstrip().splitlines()[-lines:])


def _environment(tmp: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": tmp}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


@contextmanager
def _private_tmp() -> Iterator[str]:
    """A temporary folder for one observer process, removed with all it holds."""
    folder = tempfile.mkdtemp(prefix="netdoctor-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class RecordPipe:
    """The read end of a record stream: JSON lines, read as they come, with a deadline."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._buffer = b""
        self.closed = False

    def records(self, deadline: float | None) -> Iterator[dict[str, Any]]:
        """Records until the writer closes the pipe; raises :class:`Interrupted` past ``deadline``
        and ``ValueError`` on a line that is not a record (a torn last line is dropped)."""
        while True:
            while b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                if line.strip():
                    yield _parse(line)
            if self.closed:
                return
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                raise Interrupted(TIME_LIMIT)
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                self.closed = True
                self._buffer = b""  # a torn last line: the writer died mid-record
            self._buffer += chunk

    def close(self) -> None:
        if not self.closed:
            self.closed = True
        try:
            os.close(self.fd)
        except OSError:
            pass


def _parse(line: bytes) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"a line is not a JSON record: {exc.msg}") from None
    if not isinstance(record, dict) or "type" not in record:
        raise ValueError("a line is not a netdoctor record")
    return record


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """While observing, SIGTERM (and SIGHUP) stop the run like Ctrl-C does."""

    def stop(signum, frame):
        raise Interrupted(f"stopped by {signal.Signals(signum).name}")

    try:
        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the observer's process group, SIGKILL after the grace period (or at once, at
    a second Ctrl-C or SIGTERM), then to whatever the target left running in the group."""
    try:
        _kill_group(process.pid, signal.SIGTERM)
        process.wait(timeout=GRACE_SECONDS)
    except (subprocess.TimeoutExpired, KeyboardInterrupt, Interrupted):
        pass
    _kill_group(process.pid, signal.SIGKILL)
    process.wait()


def _kill_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    """Signal a process group: an observer and the processes the target started."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _stopped(recording: Recording, why: str, output: bytes, interrupted: bool = False) -> dict[str, Any]:
    """The error record of a run that ended without one of its own: ``why``, the steps it ran and
    the target's last lines of output (``interrupted``: stopped by the user or a signal)."""
    steps = int(recording.train_loss.size)
    where = f" after {steps:,} training step{'s' * (steps != 1)}" if steps else ""
    record = {"type": "error", "phase": "training", "message": why + where, "output": _tail(output)}
    if interrupted:
        record["interrupted"] = True
    return record


def _collect(
    pipe: RecordPipe, recording: Recording, on_record: RecordCallback | None, deadline: float | None
) -> dict[str, Any] | None:
    """Fold records into ``recording`` until the stream ends or a ``done`` record; return the
    ``done`` record (a shared observer finished this target), or None."""
    for record in pipe.records(deadline):
        if record["type"] == "done":
            return record
        recording.add(record)
        if on_record is not None:
            on_record(record)
    return None


def _finish(recording: Recording, output: bytes, death: str | None) -> None:
    """Close a recording: the reason it stopped, or the target's output beside its error."""
    if recording.end is None and recording.error is None:
        recording.add(_stopped(recording, f"the target's process {death or 'ended'}", output))
    elif recording.error is not None:
        captured = _tail(output)
        if captured:
            recording.error["output"] = captured


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
    timeout: float | None = None,
    interventions: list[dict[str, Any]] | None = None,
    soft_limit: bool = False,
    light: bool = False,
) -> Recording:
    """Run ``target`` in an observer process and return everything it recorded.

    ``argv`` is the script's own command line (script mode). ``echo_output`` passes the target's
    own output through to stderr (for ``--debug``); otherwise it is kept and shown when the run
    fails. ``timeout`` (seconds) stops the run, which is then incomplete. ``interventions``
    (planned by :mod:`netdoctor.interventions`) are applied to the run; with ``soft_limit``, a
    script's ``fit`` that reaches ``steps`` ends and the script goes on (to its own evaluation);
    ``light`` records the outcome only (losses and evaluations, no sampled statistics).
    """
    spec = RunSpec(
        target=str(target.path),
        display=target.display,
        mode=target.mode,
        steps=steps,
        batch_size=batch_size,
        data=data,
        seed=seed,
        argv=list(argv or []),
        cwd=os.getcwd(),
        planned=target.planned_steps,
        interventions=list(interventions or []),
        soft_limit=soft_limit,
        light=light,
    )
    deadline = None if timeout is None else time.monotonic() + timeout
    if _shared is not None and not echo_output:
        return _shared.observe(spec, on_record, deadline)
    return _observe_fresh(spec, on_record, echo_output, deadline)


def _observe_fresh(
    spec: RunSpec, on_record: RecordCallback | None, echo_output: bool, deadline: float | None
) -> Recording:
    read_fd, write_fd = os.pipe()
    spec = spec.but(fd=write_fd)
    recording = Recording()
    pipe = RecordPipe(read_fd)
    echo = _stderr() if echo_output else None
    with tempfile.TemporaryFile() as output, _private_tmp() as tmp, _signals_interrupt():
        process = subprocess.Popen(
            [sys.executable, "-m", "netdoctor.observe.core.runner", spec.to_json()],
            pass_fds=(write_fd,),
            stdin=subprocess.DEVNULL,
            stdout=echo if echo is not None else output,
            stderr=subprocess.STDOUT,
            env=_environment(tmp),
            start_new_session=True,
        )
        os.close(write_fd)
        try:
            _collect(pipe, recording, on_record, deadline)
            returncode = _wait(process, deadline)
        except (KeyboardInterrupt, Interrupted) as exc:
            _stop(process)
            output.seek(0)
            recording.add(_stopped(recording, _reason(exc), output.read(), interrupted=True))
            return recording
        except ValueError as exc:  # a garbled stream: keep what was read
            _stop(process)
            output.seek(0)
            recording.add(_stopped(recording, f"the observer's stream broke: {exc}", output.read()))
            return recording
        finally:
            pipe.close()
        _kill_group(process.pid)  # what the target left running in the background
        output.seek(0)
        captured = output.read()
        if echo_output and echo is None:
            sys.stderr.write(captured.decode("utf-8", "replace"))
        _finish(recording, captured, _death(returncode, captured, spec))
    return recording


def _wait(process: subprocess.Popen, deadline: float | None) -> int:
    """The observer's exit status; raises :class:`Interrupted` past ``deadline``."""
    try:
        return process.wait(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise Interrupted(TIME_LIMIT) from None


def _reason(exc: BaseException) -> str:
    return exc.reason if isinstance(exc, Interrupted) else "interrupted by the user (Ctrl-C)"


def _stderr() -> Any:
    """This process's stderr, where the target's output can go directly, if it is a real file."""
    try:
        sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    return sys.stderr


class _Worker:
    """One long-lived observer process (``netdoctor.observe.core.worker``), in a session and a
    temporary folder of its own."""

    def __init__(self, api: str) -> None:
        self.api = api
        self.process: subprocess.Popen | None = None
        self._control: Any = None
        self._pipe: RecordPipe | None = None
        self._tmp: str | None = None

    def _start(self) -> None:
        control_read, control_write = os.pipe()
        records_read, records_write = os.pipe()
        command = [sys.executable, "-m", "netdoctor.observe.core.worker", str(control_read), str(records_write), self.api]
        self._tmp = tempfile.mkdtemp(prefix="netdoctor-")
        self.process = subprocess.Popen(
            command,
            pass_fds=(control_read, records_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_environment(self._tmp),
            start_new_session=True,
        )
        os.close(control_read)
        os.close(records_write)
        self._control = os.fdopen(control_write, "w", encoding="utf-8")
        self._pipe = RecordPipe(records_read)

    def observe(
        self, spec: RunSpec, on_record: RecordCallback | None, deadline: float | None
    ) -> Recording | None:
        """The recording of ``spec``, or None when the target needs the other API's worker."""
        if self.process is None or self.process.poll() is not None:
            self.close()
            self._start()
        recording = Recording()
        with tempfile.NamedTemporaryFile(prefix="netdoctor-output-", suffix=".txt") as output, _signals_interrupt():
            try:
                self._control.write(spec.but(output=output.name).to_json() + "\n")
                self._control.flush()
                done = _collect(self._pipe, recording, on_record, deadline)
                if done is None:  # the target ended the observer process
                    returncode = _wait(self.process, deadline)
            except (KeyboardInterrupt, Interrupted) as exc:
                self.close(stop=True)
                recording.add(_stopped(recording, _reason(exc), output.read(), interrupted=True))
                return recording
            except (ValueError, BrokenPipeError) as exc:
                self.close(stop=True)
                recording.add(_stopped(recording, f"the observer stopped: {exc!r}", output.read()))
                return recording
            if done is None:
                self.close()
                captured = output.read()
                _finish(recording, captured, _death(returncode, captured, spec))
                return recording
            if done.get("redirect"):
                return None
            _finish(recording, output.read(), None)
        return recording

    def close(self, stop: bool = False) -> None:
        """End the observer process once its target is done, or at once (``stop``), with what
        the targets left running and its temporary folder."""
        if self.process is None:
            return
        if self._control is not None:
            try:
                self._control.close()  # the observer ends when its control stream does
            except OSError:
                pass
        try:
            self.process.wait(timeout=0 if stop else GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            _stop(self.process)
        _kill_group(self.process.pid)
        if self._pipe is not None:
            self._pipe.close()
        shutil.rmtree(self._tmp, ignore_errors=True)
        self.process = None


class SharedObserver:
    """Long-lived observer processes that observe targets one after another: one for TF2
    programs and model files, one (started when first needed) for TF1 programs, which need
    TensorFlow's v2 behaviour off for the whole process."""

    def __init__(self) -> None:
        self.workers = {"tf2": _Worker("tf2"), "tf1": _Worker("tf1")}

    def observe(self, spec: RunSpec, on_record: RecordCallback | None, deadline: float | None) -> Recording:
        recording = self.workers["tf2"].observe(spec, on_record, deadline)
        if recording is None:
            recording = self.workers["tf1"].observe(spec, on_record, deadline)
        return recording or Recording()

    def close(self) -> None:
        for worker in self.workers.values():
            worker.close()


_shared: SharedObserver | None = None


@contextmanager
def shared_observer() -> Iterator[SharedObserver]:
    """Observe every target of the block in one long-lived observer process (the one already
    shared, inside another such block)."""
    global _shared
    if _shared is not None:
        yield _shared
        return
    previous, _shared = _shared, SharedObserver()
    try:
        yield _shared
    finally:
        _shared.close()
        _shared = previous
