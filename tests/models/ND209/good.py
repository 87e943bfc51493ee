"""ND209/bad.py fixed: the update subtracts the gradient."""

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x_train = rng.normal(size=(2000, 20)).astype("float32")
y_train = (x_train[:, 0] > 0).astype("int64")

W = tf.Variable(rng.normal(0, 0.1, (20, 2)).astype("float32"))
b = tf.Variable(np.zeros(2, dtype="float32"))

for step in range(200):
    start = (step * 40) % 2000
    x, y = x_train[start : start + 40], y_train[start : start + 40]
    with tf.GradientTape() as tape:
        logits = tf.matmul(x, W) + b
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    dW, db = tape.gradient(loss, [W, b])
    W.assign_sub(0.1 * dW)
    b.assign_sub(0.1 * db)
