"""Run one corpus program plainly, without netdoctor's instrumentation.

    .venv/bin/python tests/corpus/plain_run.py tests/corpus/fit/foo.py

- keras.datasets.mnist.load_data() is served offline from netdoctor.data.load("mnist").
- TF1 files get ``import tensorflow.compat.v1 as tf`` + ``tf.disable_v2_behavior()`` and a
  minimal ``tensorflow.examples.tutorials.mnist.input_data`` on the same digits.
- Model files (with ``build_model()``) are trained with model.fit for about 1000 steps of
  batch 50, as netdoctor does, on MNIST or on their own ``load_data()``.
- Scripts run with runpy as ``__main__``.
"""

import os
import re
import runpy
import sys
import time
import types
from collections import namedtuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from netdoctor import data as nd_data

STEPS, BATCH = 1000, 50


def offline_mnist():
    d = nd_data.load("mnist", seed=0)
    return (d.x_train, d.y_train.astype("uint8")), (d.x_test, d.y_test.astype("uint8"))


class DataSet:
    def __init__(self, images, labels, seed=0):
        self.images, self.labels = images, labels
        self.num_examples = len(images)
        self._rng = np.random.default_rng(seed)
        self._pos = self.num_examples  # shuffle on the first call

    def next_batch(self, n, shuffle=True):
        if self._pos + n > self.num_examples:
            if shuffle:
                order = self._rng.permutation(self.num_examples)
                self.images, self.labels = self.images[order], self.labels[order]
            self._pos = 0
        s = slice(self._pos, self._pos + n)
        self._pos += n
        return self.images[s], self.labels[s]


def read_data_sets(train_dir="MNIST_data", one_hot=False, **ignored):
    (xtr, ytr), (xte, yte) = offline_mnist()
    img = lambda x: (x.reshape(-1, 784) / 255.0).astype("float32")
    lab = lambda y: np.eye(10, dtype="float32")[y] if one_hot else y
    nval = len(xtr) // 10
    Sets = namedtuple("Datasets", ["train", "validation", "test"])
    return Sets(DataSet(img(xtr[nval:]), lab(ytr[nval:])), DataSet(img(xtr[:nval]), lab(ytr[:nval])),
                DataSet(img(xte), lab(yte)))


def install_shims():
    import keras
    import tensorflow as tf

    keras.datasets.mnist.load_data = lambda *a, **k: offline_mnist()
    tf.keras.datasets.mnist.load_data = keras.datasets.mnist.load_data
    parent = tf
    name = "tensorflow"
    for part in ["examples", "tutorials", "mnist", "input_data"]:
        name += "." + part
        mod = sys.modules.get(name) or types.ModuleType(name)
        mod.__path__ = []
        sys.modules[name] = mod
        setattr(parent, part, mod)
        parent = mod
    parent.read_data_sets = read_data_sets


def run_model_file(ns):
    import keras

    model = ns["build_model"]()
    if not model.compiled:
        act = getattr(model.layers[-1], "activation", None)
        probs = getattr(act, "__name__", "") in ("softmax", "sigmoid")
        units = model.output_shape[-1]
        loss = (keras.losses.BinaryCrossentropy(from_logits=not probs) if units == 1
                else keras.losses.SparseCategoricalCrossentropy(from_logits=not probs))
        model.compile(keras.optimizers.Adam(1e-3), loss, metrics=["accuracy"])
        print(f"[plain_run] compiled with Adam(1e-3), {type(loss).__name__}(from_logits={not probs})")
    if "load_data" in ns:
        (xtr, ytr), (xte, yte) = ns["load_data"]()
    else:
        (xtr, ytr), (xte, yte) = offline_mnist()
        if model.built:
            shape = model.input_shape[1:]
        else:  # Sequential without Input: built on the first batch
            first = type(model.layers[0]).__name__
            shape = (28, 28) if first == "Flatten" else (28, 28, 1) if first.startswith("Conv") else (784,)
        xtr = (xtr / 255.0).astype("float32").reshape(-1, *shape)
        xte = (xte / 255.0).astype("float32").reshape(-1, *shape)
        loss_name = str(getattr(model.loss, "name", model.loss))
        if "categorical" in loss_name and "sparse" not in loss_name:
            ytr, yte = np.eye(10, dtype="float32")[ytr], np.eye(10, dtype="float32")[yte]
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((xtr, ytr)).shuffle(len(xtr), seed=0).repeat().batch(BATCH)
    print(f"[plain_run] model.fit: {STEPS} steps of batch {BATCH} on {len(xtr)} examples")
    hist = model.fit(ds, steps_per_epoch=STEPS // 10, epochs=10, shuffle=False, verbose=0)
    print("[plain_run] train:", {k: round(float(v[-1]), 4) for k, v in hist.history.items()})
    res = model.evaluate(xte, yte, verbose=0, return_dict=True)
    print("[plain_run] test:", {k: round(float(v), 4) for k, v in res.items()})


def main(path):
    path = os.path.abspath(path)
    source = open(path).read()
    sys.path.insert(0, os.path.dirname(path))
    sys.argv = [path]
    start = time.time()
    install_shims()
    if re.search(r"tf\.(placeholder|Session|InteractiveSession|train\.\w+Optimizer)", source):

        source = re.sub(r"^import tensorflow as tf\s*$",
                        "import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()",
                        source, flags=re.M)
        print("[plain_run] TF1 program: running under tf.compat.v1")
        exec(compile(source, path, "exec"), {"__name__": "__main__", "__file__": path})
    elif re.search(r"^def build_model\(", source, flags=re.M):
        run_model_file(runpy.run_path(path, run_name="corpus_model"))
    else:
        runpy.run_path(path, run_name="__main__")
    print(f"[plain_run] wall time {time.time() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1])
