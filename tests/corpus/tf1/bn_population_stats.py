"""Batch normalization by hand (TF1). Training accuracy is about 90% but test accuracy is terrible."""
import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
tf.set_random_seed(3)
epsilon = 1e-3


def batch_norm_wrapper(inputs, is_training, decay=0.99):
    size = inputs.get_shape()[-1]
    scale = tf.Variable(tf.ones([size]))
    beta = tf.Variable(tf.zeros([size]))
    pop_mean = tf.Variable(tf.zeros([size]), trainable=False)
    pop_var = tf.Variable(tf.ones([size]), trainable=False)
    if is_training:
        batch_mean, batch_var = tf.nn.moments(inputs, [0])
        train_mean = tf.assign(pop_mean, pop_mean * decay + batch_mean * (1 - decay))
        train_var = tf.assign(pop_var, pop_var * decay + batch_var * (1 - decay))
        return tf.nn.batch_normalization(inputs, batch_mean, batch_var, beta, scale, epsilon)
    return tf.nn.batch_normalization(inputs, pop_mean, pop_var, beta, scale, epsilon)


def build_graph(is_training):
    x = tf.placeholder(tf.float32, [None, 784])
    y_ = tf.placeholder(tf.float32, [None, 10])
    with tf.variable_scope("net", reuse=tf.AUTO_REUSE):
        w1 = tf.get_variable("w1", [784, 100], initializer=tf.random_normal_initializer(stddev=1.0))
        w2 = tf.get_variable("w2", [100, 100], initializer=tf.random_normal_initializer(stddev=1.0))
        w3 = tf.get_variable("w3", [100, 10], initializer=tf.random_normal_initializer(stddev=0.1))
        b3 = tf.get_variable("b3", [10], initializer=tf.zeros_initializer())
    z1 = tf.matmul(x, w1)
    l1 = tf.nn.sigmoid(batch_norm_wrapper(z1, is_training))
    z2 = tf.matmul(l1, w2)
    l2 = tf.nn.sigmoid(batch_norm_wrapper(z2, is_training))
    y = tf.matmul(l2, w3) + b3
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y))
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1)), tf.float32))
    return (x, y_), train_step, accuracy, tf.train.Saver()


(x, y_), train_step, accuracy, saver = build_graph(is_training=True)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(1000):
        batch = mnist.train.next_batch(60)
        train_step.run(feed_dict={x: batch[0], y_: batch[1]})
        if i % 200 == 0:
            print("step", i, "train batch accuracy", accuracy.eval(feed_dict={x: batch[0], y_: batch[1]}))
    print("final train accuracy (batch statistics):",
          accuracy.eval(feed_dict={x: mnist.train.images[:1000], y_: mnist.train.labels[:1000]}))
    saved = saver.save(sess, "/tmp/bn_temp/model.ckpt")

tf.reset_default_graph()
(x, y_), _, accuracy, saver = build_graph(is_training=False)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    saver.restore(sess, saved)
    print("test accuracy (population statistics):",
          sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels}))
