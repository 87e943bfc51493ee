"""TF1 MNIST MLP with a model function used for the training and the evaluation graphs."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

tf.set_random_seed(97)
np.random.seed(97)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype(np.float32) / 255.0
x_test = x_test.reshape(-1, 784).astype(np.float32) / 255.0
y_train = y_train.astype(np.int64)
y_test = y_test.astype(np.int64)


def mlp(inputs):
    W1 = tf.Variable(tf.truncated_normal([784, 128], stddev=0.05), name="W1")
    b1 = tf.Variable(tf.zeros([128]), name="b1")
    W2 = tf.Variable(tf.truncated_normal([128, 10], stddev=0.05), name="W2")
    b2 = tf.Variable(tf.zeros([10]), name="b2")
    hidden = tf.nn.relu(tf.matmul(inputs, W1) + b1)
    return tf.matmul(hidden, W2) + b2


# training graph
x = tf.placeholder(tf.float32, [None, 784])
y = tf.placeholder(tf.int64, [None])
logits = mlp(x)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
train_acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))

# evaluation graph
x_eval = tf.placeholder(tf.float32, [None, 784])
y_eval = tf.placeholder(tf.int64, [None])
eval_logits = mlp(x_eval)
eval_acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(eval_logits, 1), y_eval), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(10):
        perm = np.random.permutation(len(x_train))
        for i in range(0, len(x_train), 50):
            idx = perm[i:i + 50]
            sess.run(train_op, feed_dict={x: x_train[idx], y: y_train[idx]})
        tr = sess.run([loss, train_acc], feed_dict={x: x_train, y: y_train})
        te = sess.run(eval_acc, feed_dict={x_eval: x_test, y_eval: y_test})
        print("epoch %d: train loss %.4f acc %.3f | test acc %.3f" % (epoch, tr[0], tr[1], te))
