"""MNIST MLP with a separate validation set. Training loss is 0.1 but validation loss is over 30, is it overfitting?"""
from tensorflow import keras


def load():
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32")
    x_test = x_test.reshape(-1, 784).astype("float32")
    x_val, y_val = x_train[-500:], y_train[-500:]
    x_train, y_train = x_train[:-500] / 255.0, y_train[:-500]
    return (x_train, y_train), (x_val, y_val), (x_test, y_test)


def make_model():
    m = keras.Sequential([
        keras.layers.Input(shape=(784,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    m.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


if __name__ == "__main__":
    keras.utils.set_random_seed(99)
    (x_train, y_train), (x_val, y_val), _ = load()
    model = make_model()
    model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=6, batch_size=64, verbose=2)
