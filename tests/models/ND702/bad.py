"""A TF1 classifier whose accuracy reduces the batch axis: tf.argmax without an axis."""

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
data = rng.normal(size=(1000, 8)).astype(np.float32)
targets = np.eye(2, dtype=np.float32)[(data[:, 0] > 0).astype(int)]

x = tf.placeholder(tf.float32, [None, 8])
y = tf.placeholder(tf.float32, [None, 2])
W = tf.Variable(tf.truncated_normal([8, 2], stddev=0.1))
b = tf.Variable(tf.zeros([2]))
logits = tf.matmul(x, W) + b
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits), tf.argmax(y)), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(200):
        batch = slice((step * 50) % 1000, (step * 50) % 1000 + 50)
        sess.run(train, feed_dict={x: data[batch], y: targets[batch]})
        if step % 20 == 0:
            print(step, sess.run(accuracy, feed_dict={x: data, y: targets}))
