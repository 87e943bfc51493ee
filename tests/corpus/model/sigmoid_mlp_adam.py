"""Old-school MNIST MLP with sigmoid hidden units (five hidden layers), Adam."""
from tensorflow import keras


def build_model():
    keras.utils.set_random_seed(55)
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(shape=(784,)))
    for units in (256, 128, 128, 64, 64):
        model.add(keras.layers.Dense(units, activation="sigmoid"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
