"""Softmax regression on MNIST with hand-written SGD updates."""

import keras
import tensorflow as tf

tf.random.set_seed(0)
(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = tf.constant(x_train.reshape(-1, 784).astype("float32") / 255.0)
y_train = tf.constant(y_train.astype("int64"))

W = tf.Variable(tf.random.normal([784, 10], stddev=0.01))
b = tf.Variable(tf.zeros([10]))
learning_rate = 0.5

for step in range(400):
    start = (step * 100) % 4000
    x, y = x_train[start : start + 100], y_train[start : start + 100]
    with tf.GradientTape() as tape:
        logits = tf.matmul(x, W) + b
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    dW, db = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * dW)
    b.assign_sub(learning_rate * db)
    if step % 100 == 0:
        print(step, float(loss))
