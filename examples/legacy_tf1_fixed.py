"""examples/legacy_tf1_bugs.py with its three bugs fixed; still TensorFlow 1 code.

1. Small random weights (`tf.truncated_normal(..., stddev=0.1)`) break the symmetry.
2. The accuracy op is built once, before the loop, and the graph is finalized so that any op
   built by mistake inside the loop raises at once.
3. `tf.argmax(..., 1)` picks each example's class.

Adam trains it to high accuracy:

    netdoctor check examples/legacy_tf1_fixed.py
"""

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data", one_hot=True)

x = tf.placeholder(tf.float32, [None, 784])
y = tf.placeholder(tf.float32, [None, 10])

W1 = tf.Variable(tf.truncated_normal([784, 16], stddev=0.1))
b1 = tf.Variable(tf.zeros([16]))
W2 = tf.Variable(tf.truncated_normal([16, 16], stddev=0.1))
b2 = tf.Variable(tf.zeros([16]))
W3 = tf.Variable(tf.truncated_normal([16, 10], stddev=0.1))
b3 = tf.Variable(tf.zeros([10]))

hidden1 = tf.nn.relu(tf.matmul(x, W1) + b1)
hidden2 = tf.nn.relu(tf.matmul(hidden1, W2) + b2)
logits = tf.matmul(hidden2, W3) + b3

loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_step = tf.train.AdamOptimizer(0.003).minimize(loss)

correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
initialize = tf.global_variables_initializer()
tf.get_default_graph().finalize()

with tf.Session() as session:
    session.run(initialize)
    for step in range(1000):
        images, labels = mnist.train.next_batch(50)
        session.run(train_step, feed_dict={x: images, y: labels})
        if step % 100 == 0:
            value = session.run(accuracy, feed_dict={x: images, y: labels})
            print(f"step {step}: accuracy {value:.3f}")
    test = session.run(accuracy, feed_dict={x: mnist.test.images, y: mnist.test.labels})
    print(f"test accuracy {test:.3f}")
