"""Convolutional network in TensorFlow 1 (tf.nn.conv2d, get_variable, dropout placeholder)."""
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("/tmp/mnist_data", one_hot=True)
tf.set_random_seed(42)

learning_rate = 0.001
num_steps = 500
batch_size = 64

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])
keep_prob = tf.placeholder(tf.float32)


def conv_net(x, dropout):
    x = tf.reshape(x, shape=[-1, 28, 28, 1])
    with tf.variable_scope("conv1"):
        w = tf.get_variable("w", [3, 3, 1, 16], initializer=tf.glorot_uniform_initializer())
        b = tf.get_variable("b", [16], initializer=tf.zeros_initializer())
        x = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"), b))
        x = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    with tf.variable_scope("conv2"):
        w = tf.get_variable("w", [3, 3, 16, 32], initializer=tf.glorot_uniform_initializer())
        b = tf.get_variable("b", [32], initializer=tf.zeros_initializer())
        x = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"), b))
        x = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    x = tf.reshape(x, [-1, 7 * 7 * 32])
    with tf.variable_scope("fc1"):
        w = tf.get_variable("w", [7 * 7 * 32, 128], initializer=tf.glorot_uniform_initializer())
        b = tf.get_variable("b", [128], initializer=tf.zeros_initializer())
        x = tf.nn.dropout(tf.nn.relu(tf.matmul(x, w) + b), dropout)
    with tf.variable_scope("out"):
        w = tf.get_variable("w", [128, 10], initializer=tf.glorot_uniform_initializer())
        b = tf.get_variable("b", [10], initializer=tf.zeros_initializer())
        return tf.matmul(x, w) + b


logits = conv_net(X, keep_prob)
prediction = tf.nn.softmax(logits)
loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
train_op = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(loss_op)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(prediction, 1), tf.argmax(Y, 1)), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1, num_steps + 1):
        batch_x, batch_y = mnist.train.next_batch(batch_size)
        sess.run(train_op, feed_dict={X: batch_x, Y: batch_y, keep_prob: 0.75})
        if step % 100 == 0 or step == 1:
            loss, acc = sess.run([loss_op, accuracy], feed_dict={X: batch_x, Y: batch_y, keep_prob: 1.0})
            print("Step " + str(step) + ", Minibatch Loss= {:.4f}".format(loss) + ", Training Accuracy= {:.3f}".format(acc))
    print("Testing Accuracy:", sess.run(accuracy, feed_dict={X: mnist.test.images, Y: mnist.test.labels, keep_prob: 1.0}))
