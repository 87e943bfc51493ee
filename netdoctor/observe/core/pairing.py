"""Do the labels a program trains on belong to their inputs? When netdoctor served the data (the
offline MNIST), it knows each image's own label, and can look the program's training pairs up.

An image is found again by its shape alone: its pixels above the midpoint of its own range, so
that scaling, shifting, flattening or a change of dtype do not hide it. The program's labels may
be any function of the served ones (a binary "is it a 5?", a one-hot code), so what is measured
is how far they are one: ``consistency`` is 1 when every served class maps to one program label,
and about 0 when the labels are independent of the images (labels shuffled apart from the
images, or taken from another batch).

The served held-out images are known the same way, so when the program evaluates its model on
them (``model(x_test)`` after training, a TF1 ``sess.run`` fed the test images), the model's
predictions there give the held-out accuracy, whatever the program prints.

Framework-free: numpy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from netdoctor import metrics as m

#: Pairs checked at most, and the fewest found again for a verdict.
MAX_PAIRS = 2_000
MIN_FOUND = 100
#: Share of the checked inputs that must be found among the served ones (else it is other data).
MIN_FOUND_SHARE = 0.8


def _keys(x: np.ndarray, chunk: int = 8192) -> list[bytes]:
    """One key per input: its values above the midpoint of its own range, packed into bits."""
    flat = np.asarray(x).reshape(len(x), -1)
    keys = []
    for start in range(0, len(flat), chunk):
        part = flat[start : start + chunk]
        low = part.min(axis=1, keepdims=True).astype(np.float64)
        high = part.max(axis=1, keepdims=True).astype(np.float64)
        keys += [row.tobytes() for row in np.packbits(part > (low + high) / 2, axis=1)]
    return keys


def _labelled(x: np.ndarray, y: np.ndarray) -> dict[bytes, int]:
    """Each input's key and its label, where the labels are classes (integers or one-hot)."""
    classes = _classes(y)
    if classes is None or len(x) != len(classes):
        return {}
    return dict(zip(_keys(x), classes.tolist()))


def _classes(y: Any) -> np.ndarray | None:
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:  # one-hot, or not labels at all (an autoencoder's targets)
        one_hot = np.isin(y, (0, 1)).all() and np.all(y.sum(axis=1) == 1)
        return y.argmax(axis=1) if one_hot else None
    flat = y.reshape(len(y), -1)
    if flat.shape[1] != 1 or not np.issubdtype(flat.dtype, np.number) or not np.all(np.isfinite(flat)):
        return None
    return np.round(flat[:, 0]).astype(np.int64)


class Pairing:
    """The served inputs and their labels, and the program's pairs checked against them."""

    def __init__(self) -> None:
        self._labels: dict[bytes, int] = {}
        self._held_out: dict[bytes, int] = {}
        self._evaluation: dict[str, Any] | None = None
        self._served: list[int] = []  # the served label of each pair found
        self._given: list[int] = []  # the program's label of the same pair
        self._checked = 0

    def serve(self, x: np.ndarray, y: np.ndarray) -> None:
        """Remember what was served: inputs and their labels (integers or one-hot)."""
        self._labels.update(_labelled(x, y))

    def serve_held_out(self, x: np.ndarray, y: np.ndarray) -> None:
        """Remember the served held-out inputs and their labels."""
        self._held_out.update(_labelled(x, y))

    def held_out_labels(self, x: Any) -> np.ndarray | None:
        """The labels the program's own would be for inputs ``x``, when they are (mostly) the
        served held-out inputs and the training pairs tell how its labels follow the served
        ones; -1 for an input not found. None otherwise."""
        if not self._held_out or not self._served or x is None:
            return None
        x = np.asarray(x)
        if x.ndim < 2 or len(x) < MIN_FOUND or not np.issubdtype(x.dtype, np.number):
            return None
        served = np.array([self._held_out.get(key, -1) for key in _keys(x)])
        if (served >= 0).mean() < MIN_FOUND_SHARE:
            return None
        pairs_served, pairs_given = np.asarray(self._served), np.asarray(self._given)
        to_given = {
            int(c): int(np.bincount(pairs_given[pairs_served == c] - pairs_given.min()).argmax() + pairs_given.min())
            for c in np.unique(pairs_served)
        }
        return np.array([to_given.get(int(c), int(c)) if c >= 0 else -1 for c in served])

    def score(self, labels: np.ndarray, predictions: Any) -> None:
        """Score the program's predictions on held-out inputs whose labels are ``labels`` (from
        :meth:`held_out_labels`); the last one scored is the run's evaluation."""
        predictions = np.asarray(predictions, dtype=np.float64)
        if predictions.ndim < 1 or len(predictions) != len(labels):
            return
        predictions = predictions.reshape(len(labels), -1)
        if predictions.shape[1] > 1:
            predicted = predictions.argmax(axis=1)
        else:  # one unit: a probability or a logit
            unit = bool(np.all((predictions >= 0) & (predictions <= 1)))
            predicted = (predictions[:, 0] > (0.5 if unit else 0.0)).astype(np.int64)
        known = labels >= 0
        self._evaluation = {m.ACCURACY: float(np.mean(predicted[known] == labels[known])), m.EVALUATED: int(known.sum())}

    @property
    def evaluation(self) -> dict[str, Any] | None:
        """The program's last evaluation on the served held-out inputs: ``accuracy``, ``evaluated``."""
        return self._evaluation

    @property
    def wanted(self) -> bool:
        """Whether data was served and more pairs are wanted."""
        return bool(self._labels) and self._checked < MAX_PAIRS

    def check(self, x: Any, y: Any) -> None:
        """Look up a batch of the program's training pairs."""
        if not self.wanted or x is None or y is None:
            return
        take = MAX_PAIRS - self._checked
        x, y = np.asarray(x), np.asarray(y)
        if x.ndim < 2 or y.ndim < 1 or len(x) != len(y) or x.size == 0 or not np.issubdtype(x.dtype, np.number):
            return
        x, classes = x[:take], _classes(y[:take])
        if classes is None:
            return
        self._checked += len(x)
        for key, label in zip(_keys(x), classes.tolist()):
            served = self._labels.get(key)
            if served is not None:
                self._served.append(served)
                self._given.append(label)

    def facts(self) -> dict[str, Any] | None:
        """``{"checked", "found", "consistency"}`` once enough pairs were found, else None."""
        found = len(self._served)
        if found < MIN_FOUND or found < MIN_FOUND_SHARE * self._checked:
            return None
        served, given = np.asarray(self._served), np.asarray(self._given)
        purity = sum(np.bincount(given[served == c] - given.min()).max() for c in np.unique(served)) / found
        chance = np.bincount(given - given.min()).max() / found
        consistency = 1.0 if chance >= 1 else (purity - chance) / (1 - chance)
        return {"checked": self._checked, "found": found, "consistency": float(consistency)}
