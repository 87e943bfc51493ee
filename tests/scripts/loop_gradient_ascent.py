"""Logistic regression on MNIST with a hand-written update that adds the gradient."""

import keras
import numpy as np
import tensorflow as tf

np.random.seed(0)
(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
y_onehot = np.eye(10, dtype="float32")[y_train]

weights = tf.Variable(np.random.normal(0, 0.01, (784, 10)).astype("float32"))
bias = tf.Variable(np.zeros(10, dtype="float32"))
lr = 0.1

for step in range(300):
    idx = np.random.randint(0, len(x_train), 64)
    with tf.GradientTape() as tape:
        logits = tf.matmul(x_train[idx], weights) + bias
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_onehot[idx], logits=logits))
    grad_w, grad_b = tape.gradient(loss, [weights, bias])
    weights.assign_add(lr * grad_w)
    bias.assign_add(lr * grad_b)
    if step % 50 == 0:
        print(step, loss.numpy())
