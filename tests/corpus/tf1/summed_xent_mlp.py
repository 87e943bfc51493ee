import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
tf.set_random_seed(7)

learning_rate = 0.1
batch_size = 128
n_hidden = 256

x = tf.placeholder(tf.float32, [None, 784])
y = tf.placeholder(tf.float32, [None, 10])

W1 = tf.Variable(tf.truncated_normal([784, n_hidden], stddev=0.05))
b1 = tf.Variable(tf.zeros([n_hidden]))
W2 = tf.Variable(tf.truncated_normal([n_hidden, 10], stddev=0.05))
b2 = tf.Variable(tf.zeros([10]))

hidden = tf.nn.relu(tf.matmul(x, W1) + b1)
logits = tf.matmul(hidden, W2) + b2
cost = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)
correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(15):
        total_batch = mnist.train.num_examples // batch_size
        avg_cost = 0.0
        for i in range(total_batch):
            batch_x, batch_y = mnist.train.next_batch(batch_size)
            _, c = sess.run([optimizer, cost], feed_dict={x: batch_x, y: batch_y})
            avg_cost += c / total_batch
        print("Epoch:", "%02d" % (epoch + 1), "cost =", "{:.4f}".format(avg_cost))
    print("Accuracy:", accuracy.eval({x: mnist.test.images, y: mnist.test.labels}))
