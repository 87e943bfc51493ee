"""A custom loop whose labels carry nothing the inputs could predict: no fix can repair it.

It computes gradients with a tape and updates the variables by hand, so the loop-side
interventions (applying the gradients with an optimizer, flipping the update's sign) have
something to change.
"""

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(2)
x_train = rng.normal(size=(2000, 20)).astype("float32")
y_train = rng.integers(0, 2, size=2000)
optimizer = tf.keras.optimizers.SGD(0.05)

W = tf.Variable(rng.normal(0, 0.1, (20, 2)).astype("float32"))
b = tf.Variable(np.zeros(2, dtype="float32"))

for step in range(300):
    start = (step * 40) % 2000
    x, y = x_train[start : start + 40], y_train[start : start + 40]
    with tf.GradientTape() as tape:
        logits = tf.matmul(x, W) + b
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    dW, db = tape.gradient(loss, [W, b])
    W.assign_sub(0.05 * dW)
    b.assign_sub(0.05 * db)
