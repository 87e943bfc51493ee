"""A plain Keras ``fit`` script for bench/scripts.py: ``python bench/fit_script.py mlp|cnn|wide STEPS``.

mlp: 784-128-64-10 (0.1M parameters); cnn: two 3x3 convolutions and a dense head (about 1M);
wide: 784-2048-2048-1024-10 (about 8M). Trained with Adam on the offline MNIST digits, then
evaluated, as a user's script would.
"""

import sys

import keras
import numpy as np

from netdoctor import data


def build(kind: str) -> keras.Model:
    if kind == "cnn":
        layers = [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(64, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(10),
        ]
    else:
        widths = (128, 64) if kind == "mlp" else (2048, 2048, 1024)
        layers = [keras.Input((28, 28, 1)), keras.layers.Flatten()]
        layers += [keras.layers.Dense(width, activation="relu") for width in widths] + [
            keras.layers.Dense(10)
        ]
    model = keras.Sequential(layers)
    model.compile(
        keras.optimizers.Adam(1e-3),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


kind, steps = sys.argv[1], int(sys.argv[2])
keras.utils.set_random_seed(0)
dataset = data.load("mnist", seed=0)
x_train = (dataset.x_train.astype("float32") / 255.0).reshape(-1, 28, 28, 1)
x_test = (dataset.x_test.astype("float32") / 255.0).reshape(-1, 28, 28, 1)
model = build(kind)
copies = -(-steps * 50 // len(x_train))
model.fit(
    np.tile(x_train, (copies, 1, 1, 1))[: steps * 50],
    np.tile(dataset.y_train, copies)[: steps * 50],
    batch_size=50,
    epochs=1,
    verbose=0,
    validation_data=(x_test, dataset.y_test),
)
print(model.count_params(), model.evaluate(x_test, dataset.y_test, verbose=0))
