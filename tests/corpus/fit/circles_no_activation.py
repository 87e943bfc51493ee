"""Binary classification of two concentric circles (synthetic). Stuck at 50% accuracy no matter how many layers I add."""
import tensorflow as tf
from sklearn.datasets import make_circles

tf.keras.utils.set_random_seed(0)

X, y = make_circles(n_samples=2000, noise=0.05, factor=0.5, random_state=0)
X_train, y_train = X[:1600], y[:1600]
X_test, y_test = X[1600:], y[1600:]

model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(2,)),
    tf.keras.layers.Dense(32),
    tf.keras.layers.Dense(32),
    tf.keras.layers.Dense(16),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=20, batch_size=32, verbose=0)
print("train", model.evaluate(X_train, y_train, verbose=0))
print("test", model.evaluate(X_test, y_test, verbose=0))
