"""An MNIST classifier built from two Sequential blocks: the inner model is called on Keras's
symbolic tensors while the outer one is built."""

import keras

keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0

features = keras.Sequential(
    [keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(128, activation="relu")], name="features"
)
model = keras.Sequential([keras.Input((28, 28)), features, keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=2, batch_size=32, validation_data=(x_test, y_test), verbose=2)
