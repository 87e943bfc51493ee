"""MNIST MLP in TensorFlow 1. Loss goes down nicely but the accuracy I print is nonsense."""
import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data", one_hot=True)
tf.set_random_seed(8)

n_in, n_h, n_out = 784, 128, 10
x = tf.placeholder(tf.float32, shape=(None, n_in), name="x")
y = tf.placeholder(tf.float32, shape=(None, n_out), name="y")

with tf.variable_scope("hidden"):
    w = tf.get_variable("w", [n_in, n_h], initializer=tf.glorot_uniform_initializer())
    bh = tf.get_variable("b", [n_h], initializer=tf.zeros_initializer())
    hidden = tf.nn.relu(tf.matmul(x, w) + bh)
with tf.variable_scope("output"):
    w = tf.get_variable("w", [n_h, n_out], initializer=tf.glorot_uniform_initializer())
    bo = tf.get_variable("b", [n_out], initializer=tf.zeros_initializer())
    logits = tf.matmul(hidden, w) + bo

loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.train.AdamOptimizer(0.001).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits), tf.argmax(y)), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1, 1001):
        bx, by = mnist.train.next_batch(50)
        _, l, a = sess.run([train_op, loss, accuracy], feed_dict={x: bx, y: by})
        if step % 250 == 0:
            print("step %4d  loss %.4f  batch accuracy %.3f" % (step, l, a))
    print("test accuracy", sess.run(accuracy, feed_dict={x: mnist.test.images, y: mnist.test.labels}))
    pred = sess.run(logits, feed_dict={x: mnist.test.images})
    print("(numpy check)", np.mean(pred.argmax(1) == mnist.test.labels.argmax(1)))
