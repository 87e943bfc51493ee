"""Five-hidden-layer ReLU network on MNIST in TF1, weights from tf.random_normal(stddev=0.01)."""
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data", one_hot=True)
tf.set_random_seed(89)

n_hidden = [256, 256, 256, 256, 256]

x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])


def layer(inputs, n_in, n_out, activation=None):
    W = tf.Variable(tf.random_normal([n_in, n_out], stddev=0.01))
    b = tf.Variable(tf.zeros([n_out]))
    out = tf.matmul(inputs, W) + b
    return activation(out) if activation else out


h = x
n_in = 784
for n in n_hidden:
    h = layer(h, n_in, n, tf.nn.relu)
    n_in = n
logits = layer(h, n_in, 10)

cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
train_step = tf.train.MomentumOptimizer(0.01, momentum=0.9).minimize(cross_entropy)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1)), tf.float32))

sess = tf.InteractiveSession()
tf.global_variables_initializer().run()
for i in range(1000):
    batch_xs, batch_ys = mnist.train.next_batch(64)
    _, loss = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
    if i % 200 == 0:
        print("step", i, "loss", loss)
print("test accuracy", sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels}))
