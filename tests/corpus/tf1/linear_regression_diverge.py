"""Fit exam score vs hours studied with TensorFlow 1 (y = W*x + b). W and b blow up to inf/nan."""
import numpy as np
import tensorflow as tf

np.random.seed(3)
hours = np.random.uniform(0, 10, 200).astype(np.float32)
score = (5.0 * hours + 40 + np.random.normal(0, 5, 200)).astype(np.float32)

x = tf.placeholder(tf.float32)
y = tf.placeholder(tf.float32)
W = tf.Variable(0.0, name="W")
b = tf.Variable(0.0, name="b")
y_pred = W * x + b
loss = tf.reduce_mean(tf.square(y_pred - y))
train = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(100):
        for i in range(0, 200, 20):
            sess.run(train, feed_dict={x: hours[i:i + 20], y: score[i:i + 20]})
        if epoch % 20 == 0:
            print(epoch, sess.run([loss, W, b], feed_dict={x: hours, y: score}))
    print("final", sess.run([loss, W, b], feed_dict={x: hours, y: score}))
    print("mean-predictor loss", float(np.mean((score - score.mean()) ** 2)))
