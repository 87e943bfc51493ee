"""Linear regression y = W*x + b with TensorFlow 1 (scalar weight and bias)."""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
train_X = rng.uniform(0, 10, size=100).astype(np.float32)
train_Y = (3.0 * train_X + 2.0 + rng.normal(0, 1.0, size=100)).astype(np.float32)
n_samples = train_X.shape[0]

learning_rate = 0.01
training_epochs = 500
display_step = 100

X = tf.placeholder("float")
Y = tf.placeholder("float")
W = tf.Variable(rng.randn(), name="weight", dtype=tf.float32)
b = tf.Variable(rng.randn(), name="bias", dtype=tf.float32)

pred = tf.add(tf.multiply(X, W), b)
cost = tf.reduce_sum(tf.pow(pred - Y, 2)) / (2 * n_samples)
optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)

init = tf.global_variables_initializer()
with tf.Session() as sess:
    sess.run(init)
    for epoch in range(training_epochs):
        sess.run(optimizer, feed_dict={X: train_X, Y: train_Y})
        if (epoch + 1) % display_step == 0:
            c = sess.run(cost, feed_dict={X: train_X, Y: train_Y})
            print("Epoch:", '%04d' % (epoch + 1), "cost=", "{:.9f}".format(c),
                  "W=", sess.run(W), "b=", sess.run(b))
    print("Training cost=", sess.run(cost, feed_dict={X: train_X, Y: train_Y}),
          "W=", sess.run(W), "b=", sess.run(b))
    print("mean-predictor cost=", np.sum((train_Y - train_Y.mean()) ** 2) / (2 * n_samples))
