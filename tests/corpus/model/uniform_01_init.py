"""MNIST MLP, weights initialized uniformly in [0, 1) like np.random.rand in my numpy version."""
from tensorflow import keras


def build_model():
    keras.utils.set_random_seed(8)
    init = keras.initializers.RandomUniform(minval=0.0, maxval=1.0)
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(128, activation="relu", kernel_initializer=init),
        keras.layers.Dense(64, activation="relu", kernel_initializer=init),
        keras.layers.Dense(10, activation="softmax", kernel_initializer=init),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
