"""Softmax classifier for MNIST (TF1) printing training accuracy as it goes. Each step gets slower."""
import time

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
tf.set_random_seed(7)

x = tf.placeholder(tf.float32, [None, 784])
labels = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.random_normal([784, 64], stddev=0.05))
b = tf.Variable(tf.zeros([64]))
V = tf.Variable(tf.random_normal([64, 10], stddev=0.05))
c = tf.Variable(tf.zeros([10]))
logits = tf.matmul(tf.nn.relu(tf.matmul(x, W) + b), V) + c
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
opt = tf.train.GradientDescentOptimizer(0.3).minimize(loss)

sess = tf.Session()
sess.run(tf.global_variables_initializer())
start = time.time()
for step in range(300):
    xs, ys = mnist.train.next_batch(50)
    sess.run(opt, feed_dict={x: xs, labels: ys})
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1))
    acc = tf.reduce_mean(tf.cast(correct, tf.float32))
    train_acc = sess.run(acc, feed_dict={x: xs, labels: ys})
    if step % 50 == 0:
        print("step", step, "train acc", train_acc, "ops in graph", len(tf.get_default_graph().get_operations()),
              "%.1fs" % (time.time() - start))
print("test acc", sess.run(acc, feed_dict={x: mnist.test.images, labels: mnist.test.labels}))
