"""A TF1 MLP whose output layer goes through ReLU before the softmax cross-entropy."""

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("/tmp/data", one_hot=True)
tf.set_random_seed(3)

X = tf.placeholder("float", [None, 784])
Y = tf.placeholder("float", [None, 10])

w_h = tf.Variable(tf.random_normal([784, 128], stddev=0.05))
b_h = tf.Variable(tf.zeros([128]))
w_o = tf.Variable(tf.random_normal([128, 10], stddev=0.05))
b_o = tf.Variable(tf.zeros([10]))

h = tf.nn.relu(tf.matmul(X, w_h) + b_h)
out = tf.nn.relu(tf.matmul(h, w_o) + b_o)

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=out, labels=Y))
train_op = tf.train.GradientDescentOptimizer(0.5).minimize(cost)
predict_op = tf.argmax(out, 1)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(600):
        batch = mnist.train.next_batch(64)
        _, c = sess.run([train_op, cost], feed_dict={X: batch[0], Y: batch[1]})
        if i % 100 == 0:
            print(i, c)
