"""Every rule's examples through the real command, pylint-style: ``tests/models/<CODE>/bad.py``
makes rule CODE fire, ``good.py`` (the same model, fixed) gets no error at all and not CODE.

Each folder holds targets of the kind the rule is about: model files (``build_model()``,
optionally ``load_data()``) for most, training scripts for the rules about custom loops, ``fit``
batches and TF1 graphs. The results table in docs/rules.md comes from here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import netdoctor

pytestmark = pytest.mark.e2e

MODELS = Path(__file__).resolve().parent / "models"
CODES = sorted(folder.name for folder in MODELS.iterdir() if (folder / "bad.py").is_file())
STEPS = "300"


def findings(target: Path) -> list[dict]:
    run = netdoctor("check", str(target), "--format", "json", "--steps", STEPS, "--isolated")
    assert run.returncode in (0, 1), run.stderr
    return run.report["findings"]


def described(found: list[dict]) -> list[str]:
    return [f"{f['code']} {f['severity']}: {f['message'][:160]}" for f in found]


#: Rules that other end-to-end tests of the default run catch through the command on programs of
#: their own (the examples, tests/scripts/): their bad examples run with ``-m exhaustive``.
CAUGHT_ELSEWHERE = {"ND101", "ND102", "ND208", "ND209", "ND503", "ND601", "ND602", "ND606", "ND701", "ND702"}


@pytest.mark.parametrize(
    "code", [pytest.param(code, marks=pytest.mark.exhaustive if code in CAUGHT_ELSEWHERE else ()) for code in CODES]
)
def test_bad_example_is_caught(code):
    found = findings(MODELS / code / "bad.py")
    assert code in {f["code"] for f in found}, described(found)


@pytest.mark.exhaustive  # the healthy examples, scripts and corpus programs guard the default run
@pytest.mark.parametrize("code", CODES)
def test_good_example_is_clean(code):
    found = findings(MODELS / code / "good.py")
    assert not [f for f in found if f["severity"] == "error" or f["code"] == code], described(found)
