"""Diabetes progression regression in TF1: standardized inputs and targets, RMSProp, minibatches."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

np.random.seed(103)
tf.set_random_seed(103)

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=103)
x_scaler = StandardScaler().fit(X_train)
y_scaler = StandardScaler().fit(y_train.reshape(-1, 1))
X_train, X_test = x_scaler.transform(X_train), x_scaler.transform(X_test)
t_train = y_scaler.transform(y_train.reshape(-1, 1))
t_test = y_scaler.transform(y_test.reshape(-1, 1))

x = tf.placeholder(tf.float32, [None, 10])
t = tf.placeholder(tf.float32, [None, 1])
W1 = tf.Variable(tf.truncated_normal([10, 32], stddev=np.sqrt(2.0 / 10)))
b1 = tf.Variable(tf.zeros([32]))
W2 = tf.Variable(tf.truncated_normal([32, 1], stddev=np.sqrt(1.0 / 32)))
b2 = tf.Variable(tf.zeros([1]))
pred = tf.matmul(tf.nn.relu(tf.matmul(x, W1) + b1), W2) + b2

mse = tf.reduce_mean(tf.square(pred - t))
train_op = tf.train.RMSPropOptimizer(learning_rate=1e-3).minimize(mse)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(40):
        order = np.random.permutation(len(X_train))
        for start in range(0, len(order), 32):
            batch = order[start:start + 32]
            sess.run(train_op, feed_dict={x: X_train[batch], t: t_train[batch]})
        if epoch % 10 == 9:
            train_mse = sess.run(mse, feed_dict={x: X_train, t: t_train})
            test_mse = sess.run(mse, feed_dict={x: X_test, t: t_test})
            print("epoch %d: train MSE %.3f, test MSE %.3f (standardized)" % (epoch + 1, train_mse, test_mse))
    y_pred = y_scaler.inverse_transform(sess.run(pred, feed_dict={x: X_test}))
    print("test MAE %.1f, mean-predictor MAE %.1f" % (np.mean(np.abs(y_pred.ravel() - y_test)),
                                                      np.mean(np.abs(y_test - y_train.mean()))))
