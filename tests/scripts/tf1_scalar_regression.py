"""Fit a line y = W * x + b with TF1, scalar variables and a learning rate that is too large."""

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
train_X = rng.uniform(0, 10, 200).astype(np.float32)
train_Y = (3.0 * train_X + 2.0 + rng.normal(0, 1, 200)).astype(np.float32)

X = tf.placeholder(tf.float32)
Y = tf.placeholder(tf.float32)
W = tf.Variable(rng.randn(), name="weight", dtype=tf.float32)
b = tf.Variable(rng.randn(), name="bias", dtype=tf.float32)

pred = tf.add(tf.multiply(X, W), b)
cost = tf.reduce_sum(tf.pow(pred - Y, 2)) / (2 * 200)
optimizer = tf.train.GradientDescentOptimizer(0.05).minimize(cost)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(100):
        sess.run(optimizer, feed_dict={X: train_X, Y: train_Y})
        if epoch % 20 == 0:
            print(epoch, sess.run(cost, feed_dict={X: train_X, Y: train_Y}), sess.run(W), sess.run(b))
