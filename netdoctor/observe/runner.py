"""Child-process entry point: load the target, train it under observation, stream the records.

Run as ``python -m netdoctor.observe.runner SPEC_JSON``; SPEC_JSON names the target, the
settings and the file descriptor to stream records to. Whatever happens (an exception, a
``sys.exit`` in the target), the stream ends with an ``end`` or an ``error`` record.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from netdoctor import data as datasets
from netdoctor.errors import DataError, NetdoctorError, TargetError, first_line
from netdoctor.observe.stream import RecordWriter


class Phase:
    """Which part of the run is going on, so an error can say what failed."""

    def __init__(self) -> None:
        self.name = "starting"


def _described(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"sys.exit({exc.code!r})"
    text = first_line(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _verb(exc: BaseException) -> str:
    return "called" if isinstance(exc, SystemExit) else "raised"


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
        raise TargetError(f"importing {display} {_verb(exc)} {_described(exc)}") from exc
    return module


def model_from(module: ModuleType, display: str):
    import keras

    if hasattr(module, "build_model"):
        try:
            model = module.build_model()
        except (Exception, SystemExit) as exc:
            raise TargetError(f"build_model() in {display} {_verb(exc)} {_described(exc)}") from exc
        origin = "build_model()"
    elif hasattr(module, "model"):
        model, origin = module.model, "`model`"
    else:
        raise TargetError(f"{display} defines neither build_model() nor a module-level `model`")
    if not isinstance(model, keras.Model):
        raise TargetError(
            f"{origin} in {display} gave a {type(model).__name__}, not a keras.Model"
        )
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
                f"load_data() in {display} must return ((x_train, y_train), (x_test, y_test)): {_described(exc)}"
            ) from exc
        except (Exception, SystemExit) as exc:
            raise DataError(f"load_data() in {display} {_verb(exc)} {_described(exc)}") from exc
        import numpy as np

        arrays = [np.asarray(a) for a in (x_train, y_train, x_test, y_test)]
        if len(arrays[0]) != len(arrays[1]) or len(arrays[2]) != len(arrays[3]):
            raise DataError(f"load_data() in {display}: x and y have different lengths")
        return datasets.Dataset(*arrays, source=f"load_data() in {display}"), False
    return datasets.load(source, seed), source in datasets.MNIST_SOURCES


def observe(spec: dict[str, Any], writer: RecordWriter, phase: Phase) -> None:
    started = time.perf_counter()
    path, display = Path(spec["target"]), spec["display"]
    writer.write(
        "meta",
        target=display,
        mode=spec["mode"],
        steps_planned=spec["steps"],
        batch_size=spec["batch_size"],
        seed=spec["seed"],
    )
    phase.name = "importing TensorFlow"
    import keras
    import tensorflow as tf

    from netdoctor.observe import model_info

    writer.write("meta", tensorflow=tf.__version__, keras=keras.__version__)
    keras.utils.set_random_seed(spec["seed"])
    model_info.track_layer_sources(path, display)
    if spec["mode"] == "script":
        from netdoctor.observe.script import run_script

        ran = run_script(spec, writer, phase)
        writer.write("end", steps=ran, duration_s=time.perf_counter() - started)
        return

    phase.name = "loading the target"
    module = import_target(path, display)
    model, origin = model_from(module, display)
    phase.name = "loading data"
    dataset, is_mnist = dataset_from(module, display, spec["data"], spec["seed"])
    ran = observe_model(
        model, origin, dataset, is_mnist, writer, phase,
        steps=spec["steps"], batch_size=spec["batch_size"], seed=spec["seed"],
    )  # fmt: skip
    writer.write("end", steps=ran, duration_s=time.perf_counter() - started)


def observe_model(
    model,
    origin: str,
    dataset: datasets.Dataset,
    is_mnist: bool,
    writer,
    phase: Phase,
    *,
    steps: int,
    batch_size: int,
    seed: int,
) -> int:
    """Prepare ``model`` for ``dataset``, describe it, train it under observation.

    ``writer`` is anything with ``write(type, **fields)``. Returns the steps run.
    """
    from netdoctor.observe import model_info, setup, train

    phase.name = "preparing the model"
    prepared = setup.prepare(model, dataset, mnist=is_mnist)
    layers = model_info.describe_layers(model)
    writer.write(
        "meta",
        model=model_info.model_summary(model, layers),
        model_origin=origin,
        layers=model_info.layer_dicts(layers),
        wiring=model_info.wiring(model),
        data=dataset.source,
        train_examples=len(prepared.x_train),
        test_examples=len(prepared.x_test),
        input_shape=list(prepared.x_train.shape[1:]),
        input_stats=datasets.describe(prepared.x_train),
        task=prepared.task,
        num_classes=prepared.num_classes,
        class_fractions=datasets.class_fractions(dataset.y_train) if prepared.num_classes else None,
        loss=prepared.loss_name,
        from_logits=prepared.from_logits,
        output_activation=prepared.output_activation,
        labels=prepared.labels,
        **setup.optimizer_facts(model.optimizer),
        notes=list(dataset.notes) + prepared.notes,
    )
    phase.name = "training"
    trainer = train.Trainer(prepared, writer, steps=steps, batch_size=batch_size, seed=seed)
    ran = trainer.run()
    writer.write("meta", variables=model_info.describe_variables(model, trainer.missing_gradients))
    return ran


def main(argv: list[str] | None = None) -> int:
    spec = json.loads((argv or sys.argv)[1])
    writer = RecordWriter(spec["fd"])
    phase = Phase()
    try:
        observe(spec, writer, phase)
        return 0
    except NetdoctorError as exc:
        writer.write("error", phase=phase.name, message=str(exc), detail=traceback.format_exc())
    except SystemExit as exc:
        writer.write(
            "error",
            phase=phase.name,
            message=f"the target called sys.exit({exc.code!r}) while {phase.name}",
            detail=traceback.format_exc(),
        )
    except BaseException as exc:  # noqa: BLE001  (report anything, then exit non-zero)
        writer.write(
            "error",
            phase=phase.name,
            message=f"{_described(exc)} while {phase.name}",
            detail=traceback.format_exc(),
        )
    finally:
        writer.close()
    return 1


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    status = main()
    # Everything is recorded: skip TensorFlow's slow interpreter teardown (seconds).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
