"""The program's own ``tf.function``s, and the variables a loop trains when no Keras model holds
them."""

from __future__ import annotations

import inspect
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from netdoctor.observe.core.sources import UserCode, readable_names
from netdoctor.recording import LayerInfo

_NOT_USER = object()
#: Python values that make a tf.function trace again whenever they change.
_PYTHON_VALUES = (bool, int, float, str)


@dataclass
class FunctionInfo:
    """One of the program's ``tf.function``s: what its trace does, how often it was called and
    traced again."""

    name: str
    source: str
    signature: inspect.Signature | None = field(default=None, repr=False)
    calls: int = 0
    retraces: int = 0  # calls after the first one that traced the function again
    first_retrace_step: int | None = None
    changed: Counter = field(default_factory=Counter)  # Python arguments that changed on a retrace
    previous: dict[str, Any] = field(default_factory=dict, repr=False)
    computes_gradients: bool = False  # its trace asks a tape for gradients
    updates: Counter = field(default_factory=Counter)  # updates in its trace, by kind
    updated: set[int] = field(default_factory=set, repr=False)  # ids of the variables its trace updates
    gradients: dict[int, Any] = field(default_factory=dict, repr=False)  # variable id -> gradient (trace)

    @property
    def training(self) -> bool:
        return bool(self.updates)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "training": self.training,
            "computes_gradients": self.computes_gradients,
            "calls": self.calls,
            "retraces": self.retraces,
            "first_retrace_step": self.first_retrace_step,
            "python_arguments": dict(self.changed.most_common()),
        }

    def note_call(self, args: tuple, kwargs: dict, traced: bool, step: int) -> None:
        """Count a call; ``traced`` says whether it traced the function again."""
        self.calls += 1
        values = self.python_values(args, kwargs)
        if self.calls > 1 and traced:
            self.retraces += 1
            if self.first_retrace_step is None:
                self.first_retrace_step = step
            changed = [name for name, value in values.items() if self.previous.get(name, value) != value]
            self.changed.update(changed)
        self.previous = values

    def python_values(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        """The call's arguments that are plain Python values (each new value means a new trace)."""
        try:
            bound = self.signature.bind(*args, **kwargs) if self.signature else None
        except TypeError:
            return {}
        if bound is None:
            return {}
        return {name: value for name, value in bound.arguments.items() if isinstance(value, _PYTHON_VALUES)}


def user_function(function: Any, user: UserCode, registry: list[FunctionInfo]) -> FunctionInfo | None:
    """The :class:`FunctionInfo` of a ``tf.function`` defined in the program (None for anyone
    else's, such as Keras's own), registering it on first sight."""
    info = getattr(function, "_netdoctor_info", None)
    if info is None:
        python = function.python_function
        unwrapped = inspect.unwrap(getattr(python, "__func__", python))
        code = getattr(unwrapped, "__code__", None)
        if code is not None and user.owns(code.co_filename):
            info = FunctionInfo(
                name=getattr(unwrapped, "__qualname__", code.co_name),
                source=user.location(code.co_filename, code.co_firstlineno),
                signature=_signature(python),
            )
            registry.append(info)
        else:
            info = _NOT_USER
        function._netdoctor_info = info
    return None if info is _NOT_USER else info


def _signature(function: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(function)
    except (TypeError, ValueError):
        return None


def describe_variables_of(
    variables: list[Any], origins: dict[int, Any]
) -> tuple[list[LayerInfo], dict[str, Any], list[dict[str, Any]]]:
    """Layers, kernels and variable facts from bare variables (no Keras model holds them).

    A variable is named by its own name, or, when TensorFlow named it ``Variable``, by the Python
    name it was assigned to. Each variable of rank 2 or more is a kernel layer; a vector whose
    size matches the units of the kernel created just before it is that layer's bias; any other
    variable (a scalar ``W``) is a layer of its own. Kernel layers feed each other in creation
    order.
    """
    names = readable_names(
        {id(v): (getattr(v, "path", None) or v.name.split(":")[0], origins.get(id(v))) for v in variables}
    )
    kernels: dict[str, Any] = {}
    owner: dict[int, tuple[str, str]] = {}
    last_kernel: tuple[str, int] | None = None
    for variable in variables:
        shape = [int(d) for d in variable.shape]
        name = names[id(variable)]
        if len(shape) >= 2:
            kernels[name] = variable
            owner[id(variable)] = (name, "kernel")
            last_kernel = (name, shape[-1])
        elif len(shape) == 1 and last_kernel is not None and shape[0] == last_kernel[1]:
            owner[id(variable)] = (last_kernel[0], "bias")
        else:
            kernels[name] = variable
            owner[id(variable)] = (name, "kernel")
    layers = []
    ordered = list(kernels.items())
    stacked = [name for name, kernel in ordered if len(kernel.shape) >= 2]
    for name, kernel in ordered:
        shape = tuple(int(d) for d in kernel.shape)
        if len(shape) >= 2:
            index = stacked.index(name)
            last = index == len(stacked) - 1
            layers.append(
                LayerInfo(
                    name=name,
                    kind="Variable",
                    units=shape[-1],
                    fan_in=shape[-2],
                    fan_out=shape[-1],
                    kernel_shape=shape,
                    is_output=last,
                    feeds_trainable=not last,
                    inbound=(stacked[index - 1],) if index else (),
                    source=_source(origins.get(id(kernel))),
                )
            )
        else:
            layers.append(
                LayerInfo(name=name, kind="Variable", kernel_shape=shape, source=_source(origins.get(id(kernel))))
            )
    described = []
    for variable in variables:
        layer, role = owner[id(variable)]
        described.append(
            {
                "name": names[id(variable)],
                "layer": layer,
                "role": role,
                "shape": [int(d) for d in variable.shape],
                "gradient": "ok",
            }
        )
    return layers, kernels, described


def _source(origin: Any) -> str | None:
    return origin.source if origin is not None else None
