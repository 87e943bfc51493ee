import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data", one_hot=True)
tf.set_random_seed(5)


def dense(inputs, n_out, name, activation=None):
    n_in = int(inputs.get_shape()[1])
    with tf.variable_scope(name):
        w = tf.get_variable("w", [n_in, n_out], initializer=tf.glorot_uniform_initializer())
        b = tf.get_variable("b", [n_out], initializer=tf.zeros_initializer())
        out = tf.matmul(inputs, w) + b
        return activation(out) if activation is not None else out


images = tf.placeholder(tf.float32, [None, 784])
labels = tf.placeholder(tf.float32, [None, 10])

net = dense(images, 128, "fc1", tf.nn.relu)
net = dense(net, 64, "fc2", tf.nn.relu)
prediction = dense(net, 10, "output", tf.nn.softmax)

loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=prediction))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(prediction, 1), tf.argmax(labels, 1)), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1000):
        bx, by = mnist.train.next_batch(50)
        _, l = sess.run([train_op, loss], feed_dict={images: bx, labels: by})
        if step % 200 == 0:
            print("step", step, "loss", l)
    print("final loss", l)
    print("test accuracy", sess.run(accuracy, feed_dict={images: mnist.test.images, labels: mnist.test.labels}))
