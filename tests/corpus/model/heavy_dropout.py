"""MNIST MLP with dropout after every layer, because my previous model overfit."""
import keras
from keras.layers import Dense, Dropout


def build_model():
    keras.utils.set_random_seed(77)
    model = keras.Sequential()
    model.add(keras.Input(shape=(784,)))
    model.add(Dropout(0.9))
    model.add(Dense(256, activation="relu"))
    model.add(Dropout(0.9))
    model.add(Dense(128, activation="relu"))
    model.add(Dropout(0.9))
    model.add(Dense(10, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
