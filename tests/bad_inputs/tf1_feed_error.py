"""A TensorFlow 1 script that feeds a batch of the wrong shape to its placeholder."""

import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 8])
y = tf.placeholder(tf.int64, [None])
w = tf.Variable(tf.random_normal([8, 2], stddev=0.1))
logits = tf.matmul(x, w)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(20):
        sess.run(train, {x: np.zeros((10, 8)), y: np.zeros(10)})
    sess.run(train, {x: np.zeros((10, 5)), y: np.zeros(10)})
