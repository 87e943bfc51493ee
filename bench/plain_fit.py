"""The baseline for bench/overhead.py: train examples/fixed.py's network with plain ``model.fit``
for the same steps on the same data, then evaluate it, as a user's script would."""

import sys
from pathlib import Path

import keras
import numpy as np

from netdoctor import data

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from fixed import build_model  # noqa: E402

STEPS, BATCH = int(sys.argv[1]), int(sys.argv[2])

keras.utils.set_random_seed(0)
dataset = data.load("mnist", seed=0)
x_train = data.scale_images(dataset.x_train).reshape(-1, 784)
x_test = data.scale_images(dataset.x_test).reshape(-1, 784)
model = build_model()
copies = -(-STEPS * BATCH // len(x_train))
model.fit(
    np.tile(x_train, (copies, 1))[: STEPS * BATCH],
    np.tile(dataset.y_train, copies)[: STEPS * BATCH],
    batch_size=BATCH,
    epochs=1,
    verbose=0,
)
print(model.evaluate(x_test, dataset.y_test, verbose=0))
