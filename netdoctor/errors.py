"""Errors netdoctor reports as one clear line (exit code 2)."""


class NetdoctorError(Exception):
    """A problem with the user's input that netdoctor explains in one line."""


class TargetError(NetdoctorError):
    """The target file cannot be loaded, or defines no usable model."""


class DataError(NetdoctorError):
    """The training data cannot be loaded or does not fit the model."""
