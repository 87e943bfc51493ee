"""Breast cancer diagnosis with a one-hidden-layer network in TensorFlow 1.x."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

data = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.25, random_state=11)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
y_train, y_test = y_train.reshape(-1, 1), y_test.reshape(-1, 1)

tf.set_random_seed(11)
np.random.seed(11)
x = tf.placeholder(tf.float32, [None, 30], name="x")
y = tf.placeholder(tf.float32, [None, 1], name="y")
W1 = tf.Variable(tf.truncated_normal([30, 16], stddev=0.2))
b1 = tf.Variable(tf.zeros([16]))
W2 = tf.Variable(tf.truncated_normal([16, 1], stddev=0.2))
b2 = tf.Variable(tf.zeros([1]))
hidden = tf.nn.relu(tf.matmul(x, W1) + b1)
logits = tf.matmul(hidden, W2) + b2
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
predicted = tf.cast(tf.sigmoid(logits) > 0.5, tf.float32)
accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, y), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(40):
        order = np.random.permutation(len(X_train))
        for i in range(0, len(order), 32):
            idx = order[i:i + 32]
            sess.run(train_op, feed_dict={x: X_train[idx], y: y_train[idx]})
        if (epoch + 1) % 10 == 0:
            l, a = sess.run([loss, accuracy], feed_dict={x: X_train, y: y_train})
            print("epoch %d: train loss %.4f, train accuracy %.3f" % (epoch + 1, l, a))
    print("test accuracy:", sess.run(accuracy, feed_dict={x: X_test, y: y_test}))
