"""Digits classifier with a hand-written softmax cross-entropy in a @tf.function train step."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

tf.keras.utils.set_random_seed(81)

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=81, stratify=y)
Y_train = tf.one_hot(y_train, 10)

model = tf.keras.Sequential([
    tf.keras.layers.Input((64,)),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(10),
])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)


def cross_entropy(labels, logits):
    probs = tf.nn.softmax(logits, axis=0)
    return -tf.reduce_mean(tf.reduce_sum(labels * tf.math.log(probs + 1e-9), axis=1))


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = cross_entropy(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


ds = tf.data.Dataset.from_tensor_slices((X_train, Y_train)).shuffle(len(X_train), seed=81).batch(32, drop_remainder=True)
for epoch in range(15):
    for xb, yb in ds:
        loss = train_step(xb, yb)
    if epoch % 3 == 2:
        test_acc = np.mean(np.argmax(model(X_test), axis=1) == y_test)
        print(f"epoch {epoch + 1}: loss {float(loss):.4f}  test accuracy {test_acc:.3f}")
