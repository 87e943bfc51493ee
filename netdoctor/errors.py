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
