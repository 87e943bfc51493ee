"""A TF1 MLP whose keep_prob placeholder is fed a drop rate."""

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data", one_hot=True)
tf.set_random_seed(0)
x = tf.placeholder(tf.float32, [None, 784])
y = tf.placeholder(tf.float32, [None, 10])
keep_prob = tf.placeholder(tf.float32)
w1 = tf.Variable(tf.truncated_normal([784, 256], stddev=0.05))
b1 = tf.Variable(tf.zeros([256]))
hidden = tf.nn.dropout(tf.nn.relu(tf.matmul(x, w1) + b1), keep_prob)
w2 = tf.Variable(tf.truncated_normal([256, 10], stddev=0.05))
b2 = tf.Variable(tf.zeros([10]))
logits = tf.matmul(hidden, w2) + b2
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
train = tf.train.AdamOptimizer(1e-3).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(200):
        batch_x, batch_y = mnist.train.next_batch(64)
        sess.run(train, {x: batch_x, y: batch_y, keep_prob: 0.05})
