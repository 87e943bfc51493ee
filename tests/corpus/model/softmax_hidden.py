"""Simple MNIST MLP, but the accuracy stays around 10-11% whatever I do."""
import keras
from keras import layers


def build_model():
    keras.utils.set_random_seed(21)
    model = keras.Sequential(name="mnist_mlp")
    model.add(keras.Input(shape=(784,)))
    model.add(layers.Dense(256, activation="softmax"))
    model.add(layers.Dense(128, activation="softmax"))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
                  loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
