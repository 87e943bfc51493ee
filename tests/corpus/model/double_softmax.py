"""MNIST MLP that outputs class probabilities."""
import keras


def build_model():
    keras.utils.set_random_seed(3)
    inputs = keras.Input(shape=(784,))
    x = keras.layers.Dense(128, activation="relu")(inputs)
    x = keras.layers.Dense(10, activation="softmax")(x)
    probs = keras.layers.Softmax()(x)
    model = keras.Model(inputs, probs)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=["accuracy"])
    return model
