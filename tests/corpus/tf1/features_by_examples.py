"""3-layer network in TensorFlow 1, course style: X has shape (n_x, m), one example per column."""
import math

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data", one_hot=True)

X_train = mnist.train.images.reshape(784, -1)
Y_train = mnist.train.labels.reshape(10, -1)
X_test = mnist.test.images.reshape(784, -1)
Y_test = mnist.test.labels.reshape(10, -1)
print("X_train shape:", X_train.shape, "Y_train shape:", Y_train.shape)


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    np.random.seed(seed)
    permutation = list(np.random.permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    batches = []
    for k in range(math.floor(m / mini_batch_size)):
        sl = slice(k * mini_batch_size, (k + 1) * mini_batch_size)
        batches.append((shuffled_X[:, sl], shuffled_Y[:, sl]))
    return batches


def initialize_parameters():
    tf.set_random_seed(1)
    init = tf.glorot_uniform_initializer(seed=1)
    return {
        "W1": tf.get_variable("W1", [25, 784], initializer=init),
        "b1": tf.get_variable("b1", [25, 1], initializer=tf.zeros_initializer()),
        "W2": tf.get_variable("W2", [12, 25], initializer=init),
        "b2": tf.get_variable("b2", [12, 1], initializer=tf.zeros_initializer()),
        "W3": tf.get_variable("W3", [10, 12], initializer=init),
        "b3": tf.get_variable("b3", [10, 1], initializer=tf.zeros_initializer()),
    }


def forward_propagation(X, parameters):
    Z1 = tf.add(tf.matmul(parameters["W1"], X), parameters["b1"])
    A1 = tf.nn.relu(Z1)
    Z2 = tf.add(tf.matmul(parameters["W2"], A1), parameters["b2"])
    A2 = tf.nn.relu(Z2)
    return tf.add(tf.matmul(parameters["W3"], A2), parameters["b3"])


def model(X_train, Y_train, X_test, Y_test, learning_rate=0.001, num_epochs=15, minibatch_size=64):
    X = tf.placeholder(tf.float32, [784, None], name="X")
    Y = tf.placeholder(tf.float32, [10, None], name="Y")
    parameters = initialize_parameters()
    Z3 = forward_propagation(X, parameters)
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=tf.transpose(Z3),
                                                                     labels=tf.transpose(Y)))
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)
    correct_prediction = tf.equal(tf.argmax(Z3), tf.argmax(Y))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        seed = 3
        for epoch in range(num_epochs):
            seed += 1
            epoch_cost = 0.0
            minibatches = random_mini_batches(X_train, Y_train, minibatch_size, seed)
            for minibatch_X, minibatch_Y in minibatches:
                _, minibatch_cost = sess.run([optimizer, cost], feed_dict={X: minibatch_X, Y: minibatch_Y})
                epoch_cost += minibatch_cost / len(minibatches)
            if epoch % 5 == 0:
                print("Cost after epoch %i: %f" % (epoch, epoch_cost))
        print("Train Accuracy:", accuracy.eval({X: X_train, Y: Y_train}))
        print("Test Accuracy:", accuracy.eval({X: X_test, Y: Y_test}))
        return sess.run(parameters)


parameters = model(X_train, Y_train, X_test, Y_test)
