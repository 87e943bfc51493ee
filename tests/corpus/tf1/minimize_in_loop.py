"""TF1 softmax classifier; each step gets slower and slower and memory keeps growing."""
import time

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("/tmp/mnist", one_hot=True)
tf.set_random_seed(3)
np.random.seed(3)

X = tf.placeholder(tf.float32, shape=[None, 784])
Y = tf.placeholder(tf.float32, shape=[None, 10])
W = tf.Variable(tf.random_normal([784, 64], stddev=0.05))
b = tf.Variable(tf.zeros([64]))
V = tf.Variable(tf.random_normal([64, 10], stddev=0.05))
c = tf.Variable(tf.zeros([10]))

h = tf.nn.relu(tf.matmul(X, W) + b)
logits = tf.matmul(h, V) + c
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1)), tf.float32))
learning_rate = 0.5

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    t0 = time.time()
    for step in range(100):
        batch_x, batch_y = mnist.train.next_batch(64)
        optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)
        _, c_val = sess.run([optimizer, cost], feed_dict={X: batch_x, Y: batch_y})
        if step % 20 == 0:
            n_ops = len(tf.get_default_graph().get_operations())
            print(f"step {step}: cost {c_val:.4f}, graph ops {n_ops}, {time.time() - t0:.1f}s")
    print("test accuracy:", sess.run(accuracy, feed_dict={X: mnist.test.images, Y: mnist.test.labels}))
