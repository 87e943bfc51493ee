"""MNIST classifier, TensorFlow 1; every layer goes through ReLU."""
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
tf.set_random_seed(3)


def fc_layer(inp, n_in, n_out, name):
    with tf.name_scope(name):
        w = tf.Variable(tf.truncated_normal([n_in, n_out], stddev=0.1), name="W")
        b = tf.Variable(tf.zeros([n_out]), name="B")
        return tf.nn.relu(tf.matmul(inp, w) + b)


x = tf.placeholder(tf.float32, [None, 784], name="x")
y = tf.placeholder(tf.float32, [None, 10], name="labels")
fc1 = fc_layer(x, 784, 128, "fc1")
logits = fc_layer(fc1, 128, 10, "fc2")

with tf.name_scope("xent"):
    xent = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=y))
with tf.name_scope("train"):
    train_step = tf.train.AdamOptimizer(1e-3).minimize(xent)
with tf.name_scope("accuracy"):
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)), tf.float32))

sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(800):
    batch = mnist.train.next_batch(50)
    if i % 200 == 0:
        print(i, sess.run([xent, accuracy], feed_dict={x: batch[0], y: batch[1]}))
    sess.run(train_step, feed_dict={x: batch[0], y: batch[1]})
print("test:", sess.run(accuracy, feed_dict={x: mnist.test.images, y: mnist.test.labels}))
