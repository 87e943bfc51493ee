import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

DROPOUT = 0.1
BATCH_SIZE = 64
STEPS = 900

mnist = input_data.read_data_sets("./data", one_hot=True)
tf.set_random_seed(21)

inputs = tf.placeholder(tf.float32, [None, 784], name="inputs")
targets = tf.placeholder(tf.float32, [None, 10], name="targets")
keep_prob = tf.placeholder(tf.float32, name="keep_prob")

init = tf.variance_scaling_initializer(scale=2.0)
h1 = tf.nn.relu(tf.matmul(inputs, tf.Variable(init([784, 512]))) + tf.Variable(tf.zeros([512])))
h1 = tf.nn.dropout(h1, keep_prob)
h2 = tf.nn.relu(tf.matmul(h1, tf.Variable(init([512, 256]))) + tf.Variable(tf.zeros([256])))
h2 = tf.nn.dropout(h2, keep_prob)
logits = tf.matmul(h2, tf.Variable(init([256, 10]))) + tf.Variable(tf.zeros([10]))

loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=targets, logits=logits))
train = tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss)
acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(targets, 1)), tf.float32))

sess = tf.Session()
sess.run(tf.global_variables_initializer())
history = []
for step in range(STEPS):
    bx, by = mnist.train.next_batch(BATCH_SIZE)
    _, l = sess.run([train, loss], {inputs: bx, targets: by, keep_prob: DROPOUT})
    history.append(l)
    if (step + 1) % 150 == 0:
        va = sess.run(acc, {inputs: mnist.validation.images, targets: mnist.validation.labels, keep_prob: 1.0})
        print("step %4d  loss %.4f  val acc %.4f" % (step + 1, np.mean(history[-150:]), va))
print("test acc", sess.run(acc, {inputs: mnist.test.images, targets: mnist.test.labels, keep_prob: 1.0}))
