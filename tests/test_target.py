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
    ],
)
def test_mode(tmp_path, source, mode):
    path = tmp_path / "target.py"
    path.write_text(source)
    found = inspect_target(path)
    assert found.mode == mode
    assert found.path == path.resolve()


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
