"""Two moons, raw tf.Variables, hand-written SGD with momentum (velocity variables) and global-norm clipping."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

tf.random.set_seed(91)
rng = np.random.default_rng(91)

X, y = make_moons(n_samples=1500, noise=0.2, random_state=91)
X_train, X_test, y_train, y_test = train_test_split(X.astype("float32"), y.astype("float32"),
                                                    test_size=0.2, random_state=91)

init = tf.keras.initializers.GlorotUniform(seed=91)
params = [
    tf.Variable(init((2, 32)), name="w1"), tf.Variable(tf.zeros([32]), name="b1"),
    tf.Variable(init((32, 32)), name="w2"), tf.Variable(tf.zeros([32]), name="b2"),
    tf.Variable(init((32, 1)), name="w3"), tf.Variable(tf.zeros([1]), name="b3"),
]
velocity = [tf.Variable(tf.zeros_like(p), trainable=False) for p in params]
LR = tf.constant(0.05)
MOMENTUM = tf.constant(0.9)


def forward(x):
    w1, b1, w2, b2, w3, b3 = params
    h = tf.nn.relu(x @ w1 + b1)
    h = tf.nn.relu(h @ w2 + b2)
    return tf.squeeze(h @ w3 + b3, axis=-1)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = forward(x)
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
    grads = tape.gradient(loss, params)
    grads, _ = tf.clip_by_global_norm(grads, 5.0)
    for p, v, g in zip(params, velocity, grads):
        v.assign(MOMENTUM * v - LR * g)
        p.assign_add(v)
    return loss


batch_size = 32
for epoch in range(20):
    order = rng.permutation(len(X_train))
    for start in range(0, len(order) - batch_size + 1, batch_size):
        idx = order[start:start + batch_size]
        loss = train_step(X_train[idx], y_train[idx])
    if epoch % 5 == 4:
        acc = np.mean((forward(X_test).numpy() > 0) == (y_test > 0.5))
        print(f"epoch {epoch + 1}: loss {float(loss):.4f}  test accuracy {acc:.3f}")
