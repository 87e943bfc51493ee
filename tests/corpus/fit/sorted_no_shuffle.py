"""Train on MNIST grouped by digit (curriculum: class by class)."""
import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(17)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
order = np.argsort(y_train, kind="stable")
x_train, y_train = x_train[order], y_train[order]

x_train = x_train.astype("float32").reshape(-1, 784) / 255
x_test = x_test.astype("float32").reshape(-1, 784) / 255

model = keras.Sequential([
    layers.Input((784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=50, epochs=5, shuffle=False, verbose=2)
loss, acc = model.evaluate(x_test, y_test, verbose=0)
print("test accuracy", acc)
