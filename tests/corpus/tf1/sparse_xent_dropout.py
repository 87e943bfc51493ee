"""MNIST in TF1 with integer labels, sparse softmax cross-entropy and a dropout-rate placeholder."""
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=False)
tf.set_random_seed(10)

x = tf.placeholder(tf.float32, [None, 784], name="x")
y = tf.placeholder(tf.int64, [None], name="y")
drop_rate = tf.placeholder_with_default(0.0, shape=(), name="drop_rate")


def dense(inputs, units, name, activation=None):
    with tf.variable_scope(name):
        w = tf.get_variable("kernel", [inputs.shape[1], units], initializer=tf.glorot_uniform_initializer())
        b = tf.get_variable("bias", [units], initializer=tf.zeros_initializer())
        out = tf.matmul(inputs, w) + b
        return activation(out) if activation is not None else out


net = dense(x, 256, "hidden1", tf.nn.relu)
net = tf.nn.dropout(net, rate=drop_rate)
net = dense(net, 128, "hidden2", tf.nn.relu)
logits = dense(net, 10, "logits")

loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
train_op = tf.train.AdamOptimizer(learning_rate=1e-3).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, axis=1), y), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(800):
        batch_x, batch_y = mnist.train.next_batch(64)
        _, l = sess.run([train_op, loss], feed_dict={x: batch_x, y: batch_y, drop_rate: 0.2})
        if step % 200 == 0:
            val = sess.run(accuracy, feed_dict={x: mnist.validation.images, y: mnist.validation.labels})
            print("step %d  loss %.4f  validation accuracy %.3f" % (step, l, val))
    print("test accuracy:", sess.run(accuracy, feed_dict={x: mnist.test.images, y: mnist.test.labels}))
