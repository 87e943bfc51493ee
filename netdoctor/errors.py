"""Errors netdoctor reports as one clear line (exit code 2)."""


def first_line(exc: BaseException) -> str:
    """The first non-blank line of an exception's text (TensorFlow's errors run to many lines)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else ""


class NetdoctorError(Exception):
    """A problem with the user's input that netdoctor explains in one line."""


class TargetError(NetdoctorError):
    """The target file cannot be loaded, or defines no usable model."""


class DataError(NetdoctorError):
    """The training data cannot be loaded or does not fit the model."""


def described(exc: BaseException) -> str:
    """``TypeError: message`` (first line), or ``sys.exit(code)`` for a SystemExit."""
    if isinstance(exc, SystemExit):
        return f"sys.exit({exc.code!r})"
    text = first_line(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def verb(exc: BaseException) -> str:
    """How the user's code ended with ``exc``: it *called* sys.exit, or it *raised*."""
    return "called" if isinstance(exc, SystemExit) else "raised"
