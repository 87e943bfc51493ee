"""Every intervention of the catalog, on real re-runs: one on a program it repairs (the rule's own
example, planned from what the real run recorded), one on a program it cannot repair (labels
that carry nothing the inputs could predict, where the same change applies but cannot help).

One intervention per kind of training runs by default; ``pytest -m exhaustive`` runs them all
(CI does).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netdoctor import verification
from netdoctor.interventions import CATALOG, Planned, for_finding
from netdoctor.judge import diagnose
from netdoctor.observe.intervene import IMPLEMENTATIONS
from netdoctor.supervise import observe
from netdoctor.target import inspect_target

pytestmark = pytest.mark.e2e

TESTS = Path(__file__).resolve().parent
MODELS, INTERVENTIONS = TESTS / "models", TESTS / "interventions"
#: Steps of the checks and of the re-runs: enough for each example's rule to fire and its fix
#: to show.
STEPS, BUDGET = 300, 100

#: intervention -> (the rule whose fix it tests, a program with that rule's fault that keeps it
#: from learning: a defect in a run that learns anyway cannot be confirmed by a re-run)
REPAIRS = {
    "reinitialize": ("ND101", MODELS / "ND101" / "bad.py"),
    "hidden-relu": ("ND201", MODELS / "ND201" / "bad.py"),
    "lower-learning-rate": ("ND206", MODELS / "ND206" / "bad.py"),
    "raise-learning-rate": ("ND207", MODELS / "ND207" / "bad.py"),
    "remove-clipping": ("ND207", INTERVENTIONS / "clipped.py"),
    "default-betas": ("ND210", MODELS / "ND210" / "bad.py"),
    "pair-output": ("ND502", INTERVENTIONS / "logits_as_probabilities.py"),
    "standardize-inputs": ("ND601", MODELS / "ND601" / "bad.py"),
    "shuffle": ("ND602", INTERVENTIONS / "sorted_labels.py"),
    "reduce-dropout": ("ND506", MODELS / "ND506" / "bad.py"),
    "reduce-regularization": ("ND507", MODELS / "ND507" / "bad.py"),
    "smaller-batch": ("ND508", MODELS / "ND508" / "bad.py"),
    "drop-non-finite": ("ND603", MODELS / "ND603" / "bad.py"),
    "apply-gradients": ("ND208", MODELS / "ND208" / "bad.py"),
    "descend": ("ND209", MODELS / "ND209" / "bad.py"),
}

MODEL, FIT, LOOP = (INTERVENTIONS / f"labels_unrelated_{kind}.py" for kind in ("model", "fit", "loop"))
#: intervention -> (a program it cannot repair, the change, applicable there)
CANNOT_REPAIR = {
    "reinitialize": (MODEL, {"kernels": {"dense": "glorot", "dense_1": "glorot"}, "sources": {}}),
    "hidden-relu": (MODEL, {"names": ["dense"]}),
    "lower-learning-rate": (MODEL, {"factor": 0.1, "hand_written": False}),
    "raise-learning-rate": (MODEL, {"factor": 10.0, "hand_written": False}),
    "remove-clipping": (MODEL, {"clipping": ["clipnorm"]}),
    "default-betas": (MODEL, {"betas": [0.5, 0.9]}),
    "pair-output": (MODEL, {"activation": {"dense_1": "linear"}, "criterion": {"name": "sparse_categorical_crossentropy", "logits": True}}),
    "standardize-inputs": (MODEL, {"standardize": True, "input_size": 20}),
    "shuffle": (FIT, {"buffer": 2000}),
    "reduce-dropout": (MODEL, {"rate": 0.2, "names": ["dropout"]}),
    "reduce-regularization": (MODEL, {"factor": 0.01, "names": ["dense"]}),
    "smaller-batch": (FIT, {"batch": 250, "steps_factor": 2.0}),
    "drop-non-finite": (FIT, {}),
    "apply-gradients": (LOOP, {}),
    "descend": (LOOP, {"factor": -1.0}),
}


def test_every_intervention_has_an_implementation_and_both_tests():
    assert set(CATALOG) == set(IMPLEMENTATIONS) == set(REPAIRS) == set(CANNOT_REPAIR)
    for name, (code, _) in REPAIRS.items():
        assert code in CATALOG[name].fixes


#: The interventions tested by default: the data a program trains on and a custom loop's
#: gradients (a model file's re-initialized kernels: tests/test_verify_e2e.py); the rest run
#: with ``-m exhaustive``.
DEFAULT = {"standardize-inputs", "apply-gradients"}


def _cases(table: dict) -> list:
    return [pytest.param(name, marks=() if name in DEFAULT else pytest.mark.exhaustive) for name in sorted(table)]


def _runner(target):
    def run(planned, seed, steps):
        return observe(target, steps=steps, batch_size=50, data="mnist", seed=seed, interventions=planned, soft_limit=True, light=True)

    return run


@pytest.mark.parametrize("name", _cases(REPAIRS))
def test_the_intervention_repairs_the_program_with_its_fault(name):
    code, path = REPAIRS[name]
    target = inspect_target(path)
    recording = observe(target, steps=STEPS, batch_size=50, data="mnist", seed=0)
    finding = next((f for f in diagnose(recording).findings if f.code == code), None)
    assert finding is not None, f"{path.name} no longer shows {code}"
    planned = for_finding(finding, recording)
    assert isinstance(planned, Planned) and planned.name == name, planned
    result = verification.verify([finding], recording, _runner(target), BUDGET)[code]
    assert result.verdict == verification.CONFIRMED, result.line
    assert result.effect > verification.NO_EFFECT


#: Re-runs of each program without signal, shared by the tests (its unchanged run is made once).
RUNS: dict[Path, verification.Runs] = {}


@pytest.mark.parametrize("name", _cases(CANNOT_REPAIR))
def test_the_intervention_cannot_repair_labels_without_signal(name):
    path, params = CANNOT_REPAIR[name]
    runs = RUNS.setdefault(path, verification.Runs(_runner(inspect_target(path)), BUDGET))
    control = runs.get(None, 0)
    result = verification.compare(Planned(name, params, name), runs, control, 0)
    assert result.verdict == verification.REFUTED, result.line
