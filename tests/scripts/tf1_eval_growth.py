"""A correct TF1 classifier whose evaluation loop builds new ops for every batch."""

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data", one_hot=True)

x = tf.placeholder(tf.float32, [None, 784])
labels = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.truncated_normal([784, 10], stddev=0.1))
b = tf.Variable(tf.zeros([10]))
logits = tf.matmul(x, W) + b
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits))
train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(300):
        bx, by = mnist.train.next_batch(100)
        sess.run(train, feed_dict={x: bx, labels: by})
    total = 0.0
    for i in range(10):
        bx = mnist.test.images[i * 100 : (i + 1) * 100]
        by = mnist.test.labels[i * 100 : (i + 1) * 100]
        acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1)), tf.float32))
        total += sess.run(acc, feed_dict={x: bx, labels: by})
    print("test accuracy", total / 10)
