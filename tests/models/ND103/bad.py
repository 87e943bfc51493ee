"""ND103 bad: a small CNN whose kernels start 300x smaller than He scale (stddev=0.001)."""

import keras

TINY = keras.initializers.RandomNormal(stddev=0.001)


def build_model():
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(8, 3, activation="relu", kernel_initializer=TINY),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(16, 3, activation="relu", kernel_initializer=TINY),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(32, activation="relu", kernel_initializer=TINY),
            keras.layers.Dense(10, activation="softmax", kernel_initializer=TINY),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy")
    return model
