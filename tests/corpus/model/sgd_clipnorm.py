"""MNIST MLP with SGD + momentum. The accuracy is stuck around 10-20%."""
import keras


def build_model():
    keras.utils.set_random_seed(8)
    model = keras.Sequential([
        keras.layers.Input((784,)),
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    opt = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, clipnorm=1e-5)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=opt, metrics=["accuracy"])
    return model
