"""Breast cancer classifier with a hand-written log loss in a tf.function training step."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

tf.keras.utils.set_random_seed(3)

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype(np.float32)
X_test = scaler.transform(X_test).astype(np.float32)
y_train = y_train.reshape(-1, 1).astype(np.float32)
y_test = y_test.reshape(-1, 1).astype(np.float32)

model = tf.keras.Sequential([
    tf.keras.layers.Input((30,)),
    tf.keras.layers.Dense(32, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)


def log_loss(y_true, p):
    p = tf.clip_by_value(p, 1e-7, 1 - 1e-7)
    return tf.reduce_mean(y_true * tf.math.log(p) + (1 - y_true) * tf.math.log(1 - p))


@tf.function
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        loss = log_loss(yb, model(xb, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


ds = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(len(X_train), seed=3).batch(32)
for epoch in range(30):
    losses = [float(train_step(xb, yb)) for xb, yb in ds]
    if epoch % 5 == 4:
        acc = np.mean((model(X_test).numpy() > 0.5) == y_test)
        print(f"epoch {epoch + 1}: loss {np.mean(losses):.4f}  test acc {acc:.3f}")
