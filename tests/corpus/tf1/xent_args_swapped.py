"""MNIST two-layer network in TF1; the cost goes negative and keeps falling??"""
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
tf.set_random_seed(83)

learning_rate = 0.1
training_steps = 1000
batch_size = 100

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])

W1 = tf.Variable(tf.truncated_normal([784, 300], stddev=0.05))
b1 = tf.Variable(tf.zeros([300]))
W2 = tf.Variable(tf.truncated_normal([300, 10], stddev=0.05))
b2 = tf.Variable(tf.zeros([10]))

hidden = tf.nn.relu(tf.matmul(X, W1) + b1)
logits = tf.matmul(hidden, W2) + b2

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=Y, labels=logits))
optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)

correct = tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1, training_steps + 1):
        batch_x, batch_y = mnist.train.next_batch(batch_size)
        _, c = sess.run([optimizer, cost], feed_dict={X: batch_x, Y: batch_y})
        if step % 200 == 0:
            acc = sess.run(accuracy, feed_dict={X: mnist.validation.images, Y: mnist.validation.labels})
            print("step %d, cost %.4f, validation accuracy %.3f" % (step, c, acc))
    print("test accuracy:", sess.run(accuracy, feed_dict={X: mnist.test.images, Y: mnist.test.labels}))
