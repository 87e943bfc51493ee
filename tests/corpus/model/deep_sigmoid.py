"""A deep fully-connected network (10 hidden layers) for MNIST."""
import keras


def build_model(depth=10, width=64):
    keras.utils.set_random_seed(10)
    model = keras.Sequential()
    model.add(keras.Input(shape=(784,)))
    for _ in range(depth):
        model.add(keras.layers.Dense(width, activation="sigmoid"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    return model
