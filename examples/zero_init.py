"""A network that learns nothing: every weight starts at zero.

784-16-16-10 ReLU network on MNIST, SGD with learning rate 0.03, softmax cross-entropy on
logits. Accuracy stays at 0.1: every hidden unit computes the same thing, and ReLU at 0
passes no gradient, so the hidden layers never change.

    netdoctor check examples/zero_init.py
"""

import keras


def build_model():
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(16, activation="relu", kernel_initializer="zeros"),
            keras.layers.Dense(16, activation="relu", kernel_initializer="zeros"),
            keras.layers.Dense(10, kernel_initializer="zeros"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.03),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
