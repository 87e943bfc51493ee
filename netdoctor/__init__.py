"""netdoctor: a diagnostic debugger for neural networks that do not learn.

``netdoctor.diagnose`` judges a recording, a target file, a Keras model or a function that
builds one; ``netdoctor.Recorder`` records a ``fit`` in your own process. Importing netdoctor
does not import TensorFlow: rules, reports and saved recordings work without it.
"""

from importlib.metadata import PackageNotFoundError, version

from netdoctor.api import diagnose
from netdoctor.findings import Evidence, ExitCode, Finding, Report, Severity, Verdict
from netdoctor.recording import LayerInfo, Recording

try:
    __version__ = version("netdoctor-tf")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"


def __getattr__(name: str):
    """``netdoctor.Recorder`` (the Keras callback) imports TensorFlow only when asked for."""
    if name == "Recorder":
        from netdoctor.keras import Recorder

        return Recorder
    raise AttributeError(f"module 'netdoctor' has no attribute {name!r}")


__all__ = [
    "Evidence",
    "ExitCode",
    "Finding",
    "LayerInfo",
    "Recorder",
    "Recording",
    "Report",
    "Severity",
    "Verdict",
    "diagnose",
    "__version__",
]
