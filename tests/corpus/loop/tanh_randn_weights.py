"""Two-hidden-layer tanh network written with raw tf.Variables, trained on sklearn digits."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

tf.random.set_seed(67)
np.random.seed(67)

digits = load_digits()
X = (digits.data / 16.0).astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, digits.target, test_size=0.25, random_state=67)

sizes = [64, 256, 128, 10]
weights = [tf.Variable(tf.random.normal([m, n])) for m, n in zip(sizes[:-1], sizes[1:])]
biases = [tf.Variable(tf.zeros([n])) for n in sizes[1:]]
params = weights + biases


def forward(x):
    h = x
    for w, b in zip(weights[:-1], biases[:-1]):
        h = tf.tanh(h @ w + b)
    return h @ weights[-1] + biases[-1]


optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = forward(x)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    grads = tape.gradient(loss, params)
    optimizer.apply_gradients(zip(grads, params))
    return loss


ds = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(2000).batch(32)
for epoch in range(20):
    for xb, yb in ds:
        loss = train_step(xb, yb)
    if epoch % 4 == 3:
        acc = np.mean(np.argmax(forward(X_test).numpy(), axis=1) == y_test)
        print(f"epoch {epoch + 1}: loss {float(loss):.3f}  test acc {acc:.3f}")
