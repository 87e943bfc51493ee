"""Two-layer net on sklearn digits written with raw tf.Variables and plain gradient descent."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

tf.random.set_seed(10)
np.random.seed(10)

digits = load_digits()
X = (digits.data / 16.0).astype(np.float32)
X_train, X_test, y_train, y_test = train_test_split(X, digits.target, test_size=0.25, random_state=10)

W1 = tf.Variable(tf.random.normal([64, 64], stddev=0.1))
b1 = tf.Variable(tf.zeros([64]))
W2 = tf.Variable(tf.random.normal([64, 10], stddev=0.1))
b2 = tf.Variable(tf.zeros([10]))
params = [W1, b1, W2, b2]
lr = 0.5


def forward(x):
    h = tf.nn.relu(tf.matmul(x, W1) + b1)
    return tf.matmul(h, W2) + b2


for epoch in range(20):
    perm = np.random.permutation(len(X_train))
    total = 0.0
    for i in range(0, len(X_train), 32):
        idx = perm[i:i + 32]
        with tf.GradientTape() as tape:
            logits = forward(X_train[idx])
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y_train[idx], logits=logits))
        grads = tape.gradient(loss, params)
        for p, g in zip(params, grads):
            p = p - lr * g
        total += float(loss) * len(idx)
    acc = np.mean(np.argmax(forward(X_test).numpy(), 1) == y_test)
    print(f"epoch {epoch}: loss {total / len(X_train):.4f}  test acc {acc:.3f}")
