"""Model mode: import the user's model file, build its model, and train it under observation."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import keras
import numpy as np

from netdoctor import data as datasets
from netdoctor import metrics as m
from netdoctor.errors import DataError, TargetError, described, verb
from netdoctor.observe import intervene
from netdoctor.observe.core import references
from netdoctor.observe.core.records import Records
from netdoctor.observe.core.seam import observing
from netdoctor.observe.core.sources import UserCode
from netdoctor.observe.core.spec import RunSpec
from netdoctor.observe.keras import model_info, setup
from netdoctor.observe.keras.trainer import Trainer


def import_target(path: Path, display: str) -> ModuleType:
    """Import the user's file as a module (not ``__main__``), its folder first on ``sys.path``."""
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise TargetError(f"{display}:{exc.lineno}: syntax error: {exc.msg}") from exc
    except (Exception, SystemExit) as exc:
        raise TargetError(f"importing {display} {verb(exc)} {described(exc)}") from exc
    return module


def model_from(module: ModuleType, display: str) -> tuple[keras.Model, str]:
    """The model ``build_model()`` returns, or the module's ``model``; and which it was."""
    if hasattr(module, "build_model"):
        try:
            model = module.build_model()
        except (Exception, SystemExit) as exc:
            raise TargetError(f"build_model() in {display} {verb(exc)} {described(exc)}") from exc
        origin = "build_model()"
    elif hasattr(module, "model"):
        model, origin = module.model, "`model`"
    else:
        raise TargetError(f"{display} defines neither build_model() nor a module-level `model`")
    if not isinstance(model, keras.Model):
        raise TargetError(f"{origin} in {display} gave a {type(model).__name__}, not a keras.Model")
    return model, origin


def dataset_from(module: ModuleType, display: str, source: str, seed: int) -> tuple[datasets.Dataset, bool]:
    """The target's own ``load_data()`` if it has one, else the ``--data`` source.

    Returns the dataset and whether it is MNIST (whose pixels netdoctor scales to [0, 1]).
    """
    if hasattr(module, "load_data"):
        try:
            loaded = module.load_data()
            (x_train, y_train), (x_test, y_test) = loaded
        except (TypeError, ValueError) as exc:
            raise DataError(
                f"load_data() in {display} must return ((x_train, y_train), (x_test, y_test)): {described(exc)}"
            ) from exc
        except (Exception, SystemExit) as exc:
            raise DataError(f"load_data() in {display} {verb(exc)} {described(exc)}") from exc
        arrays = [np.asarray(a) for a in (x_train, y_train, x_test, y_test)]
        if len(arrays[0]) != len(arrays[1]) or len(arrays[2]) != len(arrays[3]):
            raise DataError(f"load_data() in {display}: x and y have different lengths")
        return datasets.Dataset(*arrays, source=f"load_data() in {display}"), False
    return datasets.load(source, seed), source in datasets.MNIST_SOURCES


def observe_file(spec: RunSpec, records: Records, phase: Any) -> int:
    """Model mode for a target file: import it, build its model, train it (with the spec's
    interventions applied); return the steps run."""
    path, display = Path(spec.target), spec.display
    interventions = intervene.for_spec(spec.interventions, records, UserCode(path, display), spec.seed)
    with observing(interventions):
        phase.name = "loading the target"
        module = import_target(path, display)
        model, origin = model_from(module, display)
        phase.name = "loading data"
        dataset, is_mnist = dataset_from(module, display, spec.data, spec.seed)
        for intervening in interventions:
            dataset = intervening.change_dataset(dataset)
            intervening.see_inputs(datasets.scale_images(dataset.x_train) if is_mnist else dataset.x_train)
        return observe_model(
            model, origin, dataset, is_mnist, records, phase,
            steps=spec.steps, batch_size=spec.batch_size, seed=spec.seed, light=spec.light,
        )  # fmt: skip


def observe_model(
    model: keras.Model,
    origin: str,
    dataset: datasets.Dataset,
    is_mnist: bool,
    records: Records,
    phase: Any,
    *,
    steps: int,
    batch_size: int,
    seed: int,
    light: bool = False,
) -> int:
    """Prepare ``model`` for ``dataset``, describe it, train it under observation (``light``:
    the outcome only, no sampled statistics); return the steps run."""
    phase.name = "preparing the model"
    prepared = setup.prepare(model, dataset, mnist=is_mnist)
    layers = model_info.describe_layers(model)
    records.write(
        "meta",
        **{
            m.LOOP: "netdoctor",
            m.MODEL: model_info.model_summary(model, layers),
            m.MODEL_ORIGIN: origin,
            m.LAYERS: model_info.layer_dicts(layers),
            m.WIRING: model_info.wiring(model),
            m.DATA: dataset.source,
            m.TRAIN_EXAMPLES: len(prepared.x_train),
            m.TEST_EXAMPLES: len(prepared.x_test),
            m.INPUT_SHAPE: list(prepared.x_train.shape[1:]),
            m.INPUT_STATS: datasets.describe(prepared.x_train),
            m.TASK: prepared.task,
            m.NUM_CLASSES: prepared.num_classes,
            m.CLASS_FRACTIONS: datasets.class_fractions(dataset.y_train) if prepared.num_classes else None,
            m.TARGET_STATS: datasets.describe(prepared.y_train) if prepared.task == "regression" else None,
            m.LOSS_NAME: prepared.loss_name,
            m.FROM_LOGITS: prepared.from_logits,
            m.OUTPUT_ACTIVATION: prepared.output_activation,
            m.LABELS: prepared.labels,
            **setup.optimizer_facts(model.optimizer),
            m.NOTES: list(dataset.notes) + prepared.notes,
        },
    )
    phase.name = "measuring the references"
    references.record(
        records, prepared.x_train, prepared.y_train, prepared.x_test, prepared.y_test,
        task=prepared.task, loss=prepared.loss_name, seed=seed,
    )  # fmt: skip
    phase.name = "training"
    trainer = Trainer(prepared, records, steps=steps, batch_size=batch_size, seed=seed, sample_steps=set() if light else None)
    with observing([trainer]):
        return trainer.run()
