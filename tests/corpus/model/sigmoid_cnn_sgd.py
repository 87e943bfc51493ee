"""LeNet-style CNN for MNIST (sigmoid activations like the original LeNet), plain SGD."""
import keras
from keras import layers


def build_model():
    keras.utils.set_random_seed(12)
    model = keras.Sequential([
        layers.Input((28, 28, 1)),
        layers.Conv2D(6, 5, padding="same", activation="sigmoid"),
        layers.AveragePooling2D(2),
        layers.Conv2D(16, 5, activation="sigmoid"),
        layers.AveragePooling2D(2),
        layers.Flatten(),
        layers.Dense(120, activation="sigmoid"),
        layers.Dense(84, activation="sigmoid"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
