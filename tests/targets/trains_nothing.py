"""A script that builds a model but never trains it."""

import keras

classifier = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
print(classifier(keras.ops.ones((1, 4))))
