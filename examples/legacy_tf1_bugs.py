"""A TensorFlow 1 training script with three bugs at once, the way such scripts were written.

1. Every weight starts at zero (`tf.zeros`): the hidden ReLU units are identical and dead, so
   nothing learns.
2. `accuracy()` builds new ops each time `report()` calls it, inside the training loop: the
   graph keeps growing.
3. `tf.argmax` without an axis reduces over axis 0, the batch, not the classes: the printed
   accuracy is meaningless.

It runs unchanged under netdoctor, which serves `tf.compat.v1` and the MNIST tutorial data:

    netdoctor check examples/legacy_tf1_bugs.py
"""

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data", one_hot=True)

x = tf.placeholder(tf.float32, [None, 784])
y = tf.placeholder(tf.float32, [None, 10])

W1 = tf.Variable(tf.zeros([784, 16]))
b1 = tf.Variable(tf.zeros([16]))
W2 = tf.Variable(tf.zeros([16, 16]))
b2 = tf.Variable(tf.zeros([16]))
W3 = tf.Variable(tf.zeros([16, 10]))
b3 = tf.Variable(tf.zeros([10]))

hidden1 = tf.nn.relu(tf.matmul(x, W1) + b1)
hidden2 = tf.nn.relu(tf.matmul(hidden1, W2) + b2)
logits = tf.matmul(hidden2, W3) + b3

loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_step = tf.train.GradientDescentOptimizer(0.03).minimize(loss)


def accuracy(predictions, labels):
    correct = tf.equal(tf.argmax(predictions), tf.argmax(labels))
    return tf.reduce_mean(tf.cast(correct, tf.float32))


def report(session, step, images, labels):
    value = session.run(accuracy(logits, y), feed_dict={x: images, y: labels})
    print(f"step {step}: accuracy {value:.3f}")


with tf.Session() as session:
    session.run(tf.global_variables_initializer())
    for step in range(1000):
        images, labels = mnist.train.next_batch(50)
        session.run(train_step, feed_dict={x: images, y: labels})
        if step % 100 == 0:
            report(session, step, images, labels)
