"""MNIST MLP. Training accuracy slowly goes up but validation accuracy stays at ~10%."""
import keras
import numpy as np

np.random.seed(0)
keras.utils.set_random_seed(0)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 28 * 28).astype(np.float32) / 255.0
x_test = x_test.reshape(-1, 28 * 28).astype(np.float32) / 255.0

# shuffle the training set before training
np.random.shuffle(x_train)
np.random.shuffle(y_train)

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=8, batch_size=32, validation_data=(x_test, y_test), verbose=2)
