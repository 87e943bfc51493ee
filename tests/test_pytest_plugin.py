"""The pytest plugin and netdoctor.testing, as a user's test suite would use them."""

from __future__ import annotations

import pytest

from netdoctor.judge import diagnose
from netdoctor.testing import assert_findings, assert_healthy

from conftest import EXAMPLES
from synthetic import healthy_mlp, zero_init_mlp

pytest_plugins = ["pytester"]


def test_assert_healthy_passes_a_healthy_report():
    report = diagnose(healthy_mlp())
    assert assert_healthy(report) is report


def test_assert_healthy_fails_with_the_readable_report():
    with pytest.raises(AssertionError) as failure:
        assert_healthy(diagnose(zero_init_mlp()))
    message = str(failure.value)
    assert "ND101 constant-weights" in message and "zero initialization" in message
    assert "\x1b[" not in message


def test_assert_findings_names_what_is_missing():
    report = diagnose(zero_init_mlp())
    assert_findings(report, {"ND101", "ND102"})
    with pytest.raises(AssertionError, match="did not report ND303"):
        assert_findings(report, {"ND101", "ND303"})


@pytest.mark.e2e
def test_fixture_in_a_users_suite(pytester):
    pytester.makepyprojecttoml("[tool.netdoctor]\nsteps = 150\n")
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.netdoctor
        def test_fixed_model_stays_healthy(netdoctor):
            report = netdoctor.assert_healthy({str(EXAMPLES / "fixed.py")!r})
            assert report.recording.steps == 150

        @pytest.mark.netdoctor
        def test_zero_init_stays_caught(netdoctor):
            netdoctor.assert_findings({str(EXAMPLES / "zero_init.py")!r}, {{"ND101", "ND102"}})

        @pytest.mark.netdoctor
        def test_zero_init_is_not_healthy(netdoctor):
            netdoctor.assert_healthy({str(EXAMPLES / "zero_init.py")!r}, steps=50)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*netdoctor found problems*", "*ND101 constant-weights*"])


@pytest.mark.e2e
def test_in_process_model_factory():
    keras = pytest.importorskip("keras")
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("int64")

    def build():
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model

    report = assert_healthy(build, data=((x[:500], y[:500]), (x[500:], y[500:])), steps=150)
    assert report.recording.meta["task"] == "multiclass" and report.recording.test_accuracy > 0.9
