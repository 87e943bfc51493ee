"""TensorFlow 1 MLP trained on MNIST loaded through keras.datasets."""
import numpy as np
import tensorflow as tf

np.random.seed(0)
tf.set_random_seed(0)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype(np.float32)
x_test = x_test.reshape(-1, 784).astype(np.float32)
y_train_1h = np.eye(10)[y_train]
y_test_1h = np.eye(10)[y_test]

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])
W1 = tf.Variable(tf.random_normal([784, 128], stddev=0.05))
b1 = tf.Variable(tf.zeros([128]))
W2 = tf.Variable(tf.random_normal([128, 10], stddev=0.05))
b2 = tf.Variable(tf.zeros([10]))

hidden = tf.nn.relu(tf.matmul(X, W1) + b1)
logits = tf.matmul(hidden, W2) + b2
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.01).minimize(cost)
correct = tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

batch_size = 50
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(10):
        perm = np.random.permutation(len(x_train))
        for i in range(0, len(x_train), batch_size):
            idx = perm[i:i + batch_size]
            _, c = sess.run([optimizer, cost], feed_dict={X: x_train[idx], Y: y_train_1h[idx]})
        print("epoch", epoch, "cost", c)
    print("test accuracy:", sess.run(accuracy, feed_dict={X: x_test, Y: y_test_1h}))
