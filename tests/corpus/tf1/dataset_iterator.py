"""TF1 MNIST classifier fed by a tf.data initializable iterator instead of feed_dict."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

tf.set_random_seed(101)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype(np.float32) / 255.0
x_test = x_test.reshape(-1, 784).astype(np.float32) / 255.0
y_train = y_train.astype(np.int64)
y_test = y_test.astype(np.int64)

features = tf.placeholder(tf.float32, [None, 784])
labels = tf.placeholder(tf.int64, [None])
batch_size = tf.placeholder(tf.int64, [])
dataset = tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(5000).batch(batch_size)
iterator = tf.data.make_initializable_iterator(dataset)
images, targets = iterator.get_next()

with tf.variable_scope("net"):
    W1 = tf.get_variable("W1", [784, 200], initializer=tf.glorot_uniform_initializer())
    b1 = tf.get_variable("b1", [200], initializer=tf.zeros_initializer())
    W2 = tf.get_variable("W2", [200, 10], initializer=tf.glorot_uniform_initializer())
    b2 = tf.get_variable("b2", [10], initializer=tf.zeros_initializer())
logits = tf.matmul(tf.nn.relu(tf.matmul(images, W1) + b1), W2) + b2

loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits))
train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
n_correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, 1), targets), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(8):
        sess.run(iterator.initializer, feed_dict={features: x_train, labels: y_train, batch_size: 64})
        losses = []
        while True:
            try:
                _, l = sess.run([train_op, loss])
                losses.append(l)
            except tf.errors.OutOfRangeError:
                break
        sess.run(iterator.initializer, feed_dict={features: x_test, labels: y_test, batch_size: 500})
        correct = 0.0
        while True:
            try:
                correct += sess.run(n_correct)
            except tf.errors.OutOfRangeError:
                break
        print("epoch %d: %d steps, mean loss %.4f, test accuracy %.3f"
              % (epoch, len(losses), np.mean(losses), correct / len(x_test)))
