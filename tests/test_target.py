"""Reading a target without running it: model mode or script mode, and clear errors."""

from __future__ import annotations

import pytest

from netdoctor.errors import TargetError
from netdoctor.target import MODEL_MODE, SCRIPT_MODE, inspect_target


@pytest.mark.parametrize(
    ("source", "mode"),
    [
        ("def build_model():\n    pass\n", MODEL_MODE),
        ("import keras\nmodel = keras.Sequential()\nmodel.compile('sgd', 'mse')\n", MODEL_MODE),
        ("import keras\nmodel = keras.Sequential()\nmodel.fit(x, y)\n", SCRIPT_MODE),
        ("model = 1\nif __name__ == '__main__':\n    print(model)\n", SCRIPT_MODE),
        ("import tensorflow as tf\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\n", SCRIPT_MODE),
        ("def build_model():\n    pass\nif __name__ == '__main__':\n    build_model()\n", MODEL_MODE),
        ("print('no model here')\n", SCRIPT_MODE),
        # a loop over a module-level `model` trains at top level: a script, whatever the name
        (
            "import keras\nmodel = keras.Sequential()\nfor x, y in data:\n"
            "    with tf.GradientTape() as tape:\n        loss = f(model(x), y)\n"
            "    opt.apply_gradients(zip(tape.gradient(loss, w), w))\n",
            SCRIPT_MODE,
        ),
        # training reached through the file's own functions, from a loop at top level
        (
            "model = make()\n@tf.function\ndef step(x):\n    w.assign_sub(0.1 * x)\n"
            "for i in range(10):\n    step(i)\n",
            SCRIPT_MODE,
        ),
        # ... or through a class the top level instantiates
        ("class Trainer:\n    def __init__(self):\n        model.fit(x, y)\nmodel = 1\nTrainer()\n", SCRIPT_MODE),
        # defining a training function without calling it is not training
        ("import keras\nmodel = keras.Sequential()\ndef train():\n    model.fit(x, y)\n", MODEL_MODE),
        # a build_model() next to top-level training: importing it would train, so a script
        ("def build_model():\n    pass\nbuild_model().fit(x, y)\n", SCRIPT_MODE),
    ],
)
def test_mode(tmp_path, source, mode):
    path = tmp_path / "target.py"
    path.write_text(source)
    found = inspect_target(path)
    assert found.mode == mode
    assert found.path == path.resolve()


def test_latin1_file_with_a_coding_line_is_read(tmp_path):
    path = tmp_path / "target.py"
    path.write_bytes("# -*- coding: latin-1 -*-\n# caf\xe9\ndef build_model():\n    pass\n".encode("latin-1"))
    assert inspect_target(path).mode == MODEL_MODE


def test_load_data_is_noticed(tmp_path):
    path = tmp_path / "target.py"
    path.write_text("def build_model():\n    pass\n\ndef load_data():\n    pass\n")
    assert inspect_target(path).has_load_data


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("absent.py", None, "no such file"),
        ("notes.txt", "hello", "not a Python file"),
        ("broken.py", "def f(:\n", "broken.py:1: syntax error"),
        ("binary.py", b"\xff\xfe\x00", "cannot read the file"),
    ],
)
def test_unusable_targets(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(TargetError, match=message):
        inspect_target(path)


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(TargetError, match="is a directory"):
        inspect_target(tmp_path)


@pytest.mark.parametrize(
    ("source", "planned"),
    [
        ("for step in range(1000):\n    sess.run(train)\n", 1000),
        ("EPOCHS = 5\nfor epoch in range(EPOCHS):\n    for batch in range(20):\n        step(batch)\n        opt.apply_gradients(g)\n", 100),
        ("with tf.Session() as sess:\n    sess.run(init)\n    for i in range(300):\n        sess.run(train)\n", 300),
        ("for x, y in dataset:\n    opt.apply_gradients(g)\n", None),  # the data decides
        ("for epoch in range(3):\n    for x, y in dataset:\n        opt.apply_gradients(g)\n", None),
    ],
)
def test_a_scripts_planned_steps_are_read_from_its_loops(tmp_path, source, planned):
    path = tmp_path / "train.py"
    path.write_text(source)
    assert inspect_target(path).planned_steps == planned
