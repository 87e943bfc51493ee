"""Six-layer ReLU MLP for MNIST with normally distributed initial weights."""
import keras
from keras import initializers, layers


def build_model():
    keras.utils.set_random_seed(2)
    init = initializers.RandomNormal(mean=0.0, stddev=2.0)
    net = keras.Sequential([keras.Input(shape=(784,))])
    for units in (256, 256, 128, 128, 64, 64):
        net.add(layers.Dense(units, activation="relu", kernel_initializer=init))
    net.add(layers.Dense(10, kernel_initializer=init))
    net.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=["accuracy"])
    return net
