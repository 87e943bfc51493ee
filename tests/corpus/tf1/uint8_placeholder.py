"""MNIST softmax network in TF1, images stored as bytes, scaled to [0, 1] before feeding."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

np.random.seed(6)
tf.set_random_seed(6)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784) / 255.0
x_test = x_test.reshape(-1, 784) / 255.0

images = tf.placeholder(tf.uint8, [None, 784], name="images")
labels = tf.placeholder(tf.int64, [None], name="labels")
x = tf.cast(images, tf.float32)

W1 = tf.Variable(tf.truncated_normal([784, 128], stddev=0.05))
b1 = tf.Variable(tf.zeros([128]))
W2 = tf.Variable(tf.truncated_normal([128, 10], stddev=0.05))
b2 = tf.Variable(tf.zeros([10]))
hidden = tf.nn.relu(tf.matmul(x, W1) + b1)
logits = tf.matmul(hidden, W2) + b2

loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))

batch_size = 64
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(10):
        perm = np.random.permutation(len(x_train))
        for start in range(0, len(perm) - batch_size + 1, batch_size):
            idx = perm[start:start + batch_size]
            _, l = sess.run([train_op, loss], feed_dict={images: x_train[idx], labels: y_train[idx]})
        if epoch % 3 == 0:
            print("epoch %d loss %.4f" % (epoch, l))
    print("train accuracy:", sess.run(accuracy, feed_dict={images: x_train, labels: y_train}))
    print("test accuracy:", sess.run(accuracy, feed_dict={images: x_test, labels: y_test}))
