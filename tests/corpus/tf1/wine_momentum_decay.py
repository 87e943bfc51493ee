"""Wine classification in TF1: MomentumOptimizer with an exponentially decaying learning rate."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

np.random.seed(12)
tf.set_random_seed(12)

X, y = load_wine(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=12, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
Y_train, Y_test = np.eye(3)[y_train], np.eye(3)[y_test]

features = tf.placeholder(tf.float32, [None, 13])
targets = tf.placeholder(tf.float32, [None, 3])

W1 = tf.Variable(tf.truncated_normal([13, 16], stddev=0.3))
b1 = tf.Variable(tf.zeros([16]))
W2 = tf.Variable(tf.truncated_normal([16, 3], stddev=0.3))
b2 = tf.Variable(tf.zeros([3]))
hidden = tf.nn.tanh(tf.matmul(features, W1) + b1)
logits = tf.matmul(hidden, W2) + b2
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=targets, logits=logits))

global_step = tf.Variable(0, trainable=False, name="global_step")
learning_rate = tf.train.exponential_decay(0.05, global_step, decay_steps=100, decay_rate=0.8, staircase=True)
optimizer = tf.train.MomentumOptimizer(learning_rate, momentum=0.9)
train_op = optimizer.minimize(cost, global_step=global_step)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(targets, 1)), tf.float32))

batch_size = 16
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(60):
        order = np.random.permutation(len(X_train))
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            _, c = sess.run([train_op, cost], feed_dict={features: X_train[idx], targets: Y_train[idx]})
        if epoch % 20 == 0:
            print("epoch %d  step %d  lr %.4f  cost %.4f" % (epoch, sess.run(global_step), sess.run(learning_rate), c))
    print("test accuracy:", sess.run(accuracy, feed_dict={features: X_test, targets: Y_test}))
