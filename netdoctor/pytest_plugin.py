"""pytest plugin: a ``netdoctor`` fixture configured from ``[tool.netdoctor]``, and a marker.

    def test_classifier_learns(netdoctor):
        netdoctor.assert_healthy("models/classifier.py")

Target files checked through the fixture share one observer process for the whole test
session, so TensorFlow is imported once however many models the suite checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from netdoctor import testing
from netdoctor.config import Settings, load_settings
from netdoctor.findings import Report


class Doctor:
    """``netdoctor.testing`` with the project's settings as defaults; keywords override them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _run(self, overrides: dict[str, Any]) -> dict[str, Any]:
        s = self.settings
        defaults = {
            "steps": s.steps,
            "batch_size": s.batch_size,
            "data": s.data,
            "seed": s.seed,
            "select": s.select or None,
            "ignore": s.ignore or None,
            "options": s.rule_options,
        }
        return {**defaults, **overrides}

    def check(self, target: testing.Target, **overrides: Any) -> Report:
        return testing.check(target, **self._run(overrides))

    def assert_healthy(self, target: testing.Target, **overrides: Any) -> Report:
        __tracebackhide__ = True
        fail_on = overrides.pop("fail_on", self.settings.fail_on)
        return testing.assert_healthy(self.check(target, **overrides), fail_on=fail_on)

    def assert_findings(self, target: testing.Target, codes: Iterable[str], **overrides: Any) -> Report:
        __tracebackhide__ = True
        return testing.assert_findings(self.check(target, **overrides), codes)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "netdoctor: the test trains a model under netdoctor (seconds)")


@pytest.fixture(scope="session")
def netdoctor_observer():
    """One observer process for every target file the session's ``netdoctor`` fixtures check."""
    from netdoctor.supervise import shared_observer

    with shared_observer() as observer:
        yield observer


@pytest.fixture
def netdoctor(request: pytest.FixtureRequest, netdoctor_observer) -> Doctor:
    """Check models with the settings of the nearest ``[tool.netdoctor]`` above the test file."""
    return Doctor(load_settings(Path(str(request.path))))
