"""Three-layer network on MNIST (TensorFlow 1)."""
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

tf.set_random_seed(2)
data = input_data.read_data_sets("data/mnist", one_hot=True)


def weight(shape):
    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))


def bias(shape):
    return tf.Variable(tf.constant(0.1, shape=shape))


inputs = tf.placeholder(tf.float32, [None, 784])
targets = tf.placeholder(tf.float32, [None, 10])

l1 = tf.matmul(inputs, weight([784, 300])) + bias([300])
l2 = tf.matmul(l1, weight([300, 100])) + bias([100])
out = tf.matmul(l2, weight([100, 10])) + bias([10])

loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=out))
train = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(out, 1), tf.argmax(targets, 1)), tf.float32))

sess = tf.Session()
sess.run(tf.global_variables_initializer())
for step in range(1, 1001):
    xs, ys = data.train.next_batch(64)
    _, l = sess.run([train, loss], {inputs: xs, targets: ys})
    if step % 250 == 0:
        print(step, l)
print("test accuracy", sess.run(acc, {inputs: data.test.images, targets: data.test.labels}))
