"""Two-layer MNIST network in TensorFlow 1 with separate train() and evaluate() functions."""
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
tf.set_random_seed(2)

learning_rate = 0.5
training_steps = 800
batch_size = 50

x = tf.placeholder(tf.float32, [None, 784], name="x")
y = tf.placeholder(tf.float32, [None, 10], name="y")

W1 = tf.Variable(tf.truncated_normal([784, 100], stddev=0.1), name="W1")
b1 = tf.Variable(tf.constant(0.1, shape=[100]), name="b1")
W2 = tf.Variable(tf.truncated_normal([100, 10], stddev=0.1), name="W2")
b2 = tf.Variable(tf.zeros([10]), name="b2")

h1 = tf.nn.relu(tf.matmul(x, W1) + b1)
logits = tf.matmul(h1, W2) + b2
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)), tf.float32))
init = tf.global_variables_initializer()


def train():
    with tf.Session() as sess:
        sess.run(init)
        for step in range(training_steps):
            batch_x, batch_y = mnist.train.next_batch(batch_size)
            _, l = sess.run([train_op, loss], feed_dict={x: batch_x, y: batch_y})
            if step % 200 == 0:
                print("step %d, loss %.4f" % (step, l))
        print("final training accuracy:",
              sess.run(accuracy, feed_dict={x: mnist.train.images, y: mnist.train.labels}))


def evaluate():
    with tf.Session() as sess:
        sess.run(init)
        acc = sess.run(accuracy, feed_dict={x: mnist.test.images, y: mnist.test.labels})
        print("test accuracy:", acc)


train()
evaluate()
