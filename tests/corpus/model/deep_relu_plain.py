"""Deeper is better? 20 hidden ReLU layers of 64 units on MNIST, plain SGD."""
from tensorflow import keras


def build_model():
    keras.utils.set_random_seed(20)
    model = keras.Sequential([keras.Input(shape=(784,))])
    for _ in range(20):
        model.add(keras.layers.Dense(64, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
