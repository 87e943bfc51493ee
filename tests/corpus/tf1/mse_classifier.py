"""MNIST digit recognition with TensorFlow 1 using a squared-error loss."""
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data", one_hot=True)
tf.set_random_seed(5)

x = tf.placeholder(tf.float32, [None, 784])
t = tf.placeholder(tf.float32, [None, 10])

w_h = tf.Variable(tf.random_normal([784, 64], stddev=0.01))
w_o = tf.Variable(tf.random_normal([64, 10], stddev=0.01))
h = tf.nn.sigmoid(tf.matmul(x, w_h))
out = tf.nn.sigmoid(tf.matmul(h, w_o))

loss = tf.reduce_mean(tf.square(out - t))
train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
predict_op = tf.argmax(out, 1)

with tf.Session() as sess:
    tf.global_variables_initializer().run()
    for i in range(1000):
        bx, bt = mnist.train.next_batch(50)
        sess.run(train_op, feed_dict={x: bx, t: bt})
        if i % 250 == 0:
            print(i, sess.run(loss, feed_dict={x: bx, t: bt}))
    import numpy as np
    acc = np.mean(np.argmax(mnist.test.labels, 1) == sess.run(predict_op, feed_dict={x: mnist.test.images}))
    print("test accuracy", acc)
