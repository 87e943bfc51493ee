"""The seam every observer implements, and the patches they install through it.

An observer sees one way of training (netdoctor's own loop, Keras ``fit``, TF1 sessions,
custom loops). It says which metrics it can measure (``provides``, names from
:mod:`netdoctor.metrics`), hooks itself into the framework inside ``install()`` (a context
manager that undoes every patch on exit, as pytest's ``monkeypatch`` does), and writes what
is left to say in ``finish()``. Because nothing outlives ``install()``, one process can
observe many targets one after another.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, Protocol, runtime_checkable
from unittest import mock


@runtime_checkable
class Observer(Protocol):
    """What netdoctor asks of every observer."""

    #: Metric names (netdoctor.metrics) this observer measures when it sees training.
    provides: frozenset[str]

    def install(self) -> Any:
        """A context manager: hooks in on entry, undoes every hook on exit."""

    def finish(self) -> None:
        """Write what the observer still holds (once training is over or stopped)."""


class Patches:
    """Attribute replacements that are undone together, in reverse order."""

    def __init__(self) -> None:
        self._stack = ExitStack()

    def setattr(self, owner: Any, name: str, value: Any) -> None:
        """Replace (or add) ``owner.name`` with ``value`` until :meth:`undo`."""
        self._stack.enter_context(mock.patch.object(owner, name, value, create=True))

    def setitem(self, mapping: Any, key: Any, value: Any) -> None:
        """Set ``mapping[key]`` until :meth:`undo`, which restores (or removes) that key only."""
        had, previous = key in mapping, mapping.get(key)
        mapping[key] = value

        def restore() -> None:
            if had:
                mapping[key] = previous
            else:
                mapping.pop(key, None)

        self._stack.callback(restore)

    def shadow(self, instance: Any, name: str, value: Any) -> None:
        """Give ``instance`` its own ``name`` (over the class's) until :meth:`undo`, bypassing
        the instance's ``__setattr__`` (Keras layers track what is set on them)."""
        had = name in vars(instance)
        previous = vars(instance).get(name)
        object.__setattr__(instance, name, value)

        def restore() -> None:
            if had:
                object.__setattr__(instance, name, previous)
            else:
                object.__delattr__(instance, name)

        self._stack.callback(restore)

    def callback(self, undo: Any) -> None:
        """Call ``undo()`` at :meth:`undo`, in order with the other patches."""
        self._stack.callback(undo)

    def enter(self, context: Any) -> Any:
        """Enter another context manager, exited by :meth:`undo`."""
        return self._stack.enter_context(context)

    def undo(self) -> None:
        self._stack.close()


class PatchingObserver:
    """Base for observers that hook in by replacing attributes: ``install()`` calls
    :meth:`patch` and undoes everything it patched on exit."""

    provides: frozenset[str] = frozenset()

    @contextmanager
    def install(self) -> Iterator[PatchingObserver]:
        patches = Patches()
        try:
            self.patch(patches)
            yield self
        finally:
            patches.undo()

    def patch(self, patches: Patches) -> None:
        """Install this observer's hooks through ``patches``."""

    def finish(self) -> None:
        """Nothing left to write by default."""


@contextmanager
def observing(observers: Iterable[Observer]) -> Iterator[list[Observer]]:
    """Install ``observers`` for the duration of the block; on exit, finish each (even when the
    block raised), then undo every hook."""
    installed = list(observers)
    with ExitStack() as stack:
        for observer in installed:
            stack.enter_context(observer.install())
        try:
            yield installed
        finally:
            for observer in reversed(installed):
                observer.finish()
