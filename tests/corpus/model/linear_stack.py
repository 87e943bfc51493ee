"""Deep MNIST classifier: four hidden layers."""
from tensorflow import keras


def build_model():
    keras.utils.set_random_seed(12)
    model = keras.Sequential(name="deep_net")
    model.add(keras.Input(shape=(784,)))
    model.add(keras.layers.Dense(512))
    model.add(keras.layers.Dense(256))
    model.add(keras.layers.Dense(128))
    model.add(keras.layers.Dense(64))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model
