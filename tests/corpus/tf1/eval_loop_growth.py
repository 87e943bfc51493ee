"""Train a TF1 softmax model on MNIST, then evaluate it image by image."""
import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

tf.set_random_seed(9)
mnist = input_data.read_data_sets("/tmp/mnist", one_hot=True)

images = tf.placeholder(tf.float32, [None, 784])
targets = tf.placeholder(tf.float32, [None, 10])
weights = tf.Variable(tf.truncated_normal([784, 10], stddev=0.01))
bias = tf.Variable(tf.zeros([10]))
logits = tf.matmul(images, weights) + bias
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=logits))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(600):
    bx, by = mnist.train.next_batch(100)
    sess.run(train_step, {images: bx, targets: by})

n_correct = 0
for i in range(300):
    img = mnist.test.images[i:i + 1]
    probs = tf.nn.softmax(logits)
    guess = sess.run(tf.argmax(probs, 1), {images: img})[0]
    n_correct += int(guess == np.argmax(mnist.test.labels[i]))
print("accuracy on first 300 test images:", n_correct / 300.0)
print("graph has", len(tf.get_default_graph().get_operations()), "ops")
