"""Binary classifier on two moons. The loss is 0.0000 from the very first epoch, but the
accuracy stays at 50%. How can the loss be zero when the model is wrong half the time?"""
import random

import numpy as np
import tensorflow as tf
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

random.seed(9)
np.random.seed(9)
tf.random.set_seed(9)

X, y = make_moons(n_samples=3000, noise=0.2, random_state=9)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=9)

model = tf.keras.models.Sequential()
model.add(tf.keras.layers.Dense(32, input_shape=(2,), activation="relu"))
model.add(tf.keras.layers.Dense(32, activation="relu"))
model.add(tf.keras.layers.Dense(1, activation="sigmoid"))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

model.fit(X_train, y_train, epochs=12, batch_size=32, verbose=2)
loss, acc = model.evaluate(X_test, y_test, verbose=0)
print("test loss %.4f  acc %.4f" % (loss, acc))
print(model.predict(X_test[:5], verbose=0).ravel(), y_test[:5])
