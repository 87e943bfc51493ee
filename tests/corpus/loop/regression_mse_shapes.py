"""Regression with a GradientTape loop and a hand-written MSE. The loss goes to ~1.0 and stays there."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

tf.keras.utils.set_random_seed(51)

X, y = make_regression(n_samples=2000, n_features=10, n_informative=8, noise=10.0, random_state=51)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=51)
x_scaler = StandardScaler().fit(X_train)
X_train, X_test = x_scaler.transform(X_train).astype("float32"), x_scaler.transform(X_test).astype("float32")
y_mean, y_std = y_train.mean(), y_train.std()
y_train = ((y_train - y_mean) / y_std).astype("float32")
y_test = ((y_test - y_mean) / y_std).astype("float32")

model = tf.keras.Sequential([
    tf.keras.layers.Input((10,)),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(32, activation="relu"),
    tf.keras.layers.Dense(1),
])
optimizer = tf.keras.optimizers.Adam(1e-3)


def mse(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred))


print(f"variance of y_test {np.var(y_test):.4f}")
dataset = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(2000, seed=51).batch(64)
for epoch in range(10):
    epoch_loss = tf.keras.metrics.Mean()
    for xb, yb in dataset:
        with tf.GradientTape() as tape:
            pred = model(xb, training=True)
            loss = mse(yb, pred)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        epoch_loss.update_state(loss)
    test_mse = np.mean((model(X_test).numpy().ravel() - y_test) ** 2)
    print(f"epoch {epoch + 1}: train loss {epoch_loss.result():.4f}  test MSE {test_mse:.4f}")
