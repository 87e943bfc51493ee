import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
tf.set_random_seed(1)

X = tf.placeholder("float", [None, 784])
Y = tf.placeholder("float", [None, 10])

weights = {
    "h1": tf.Variable(tf.truncated_normal([784, 256], stddev=0.05)),
    "out": tf.Variable(tf.truncated_normal([256, 10], stddev=0.05)),
}
biases = {"b1": tf.Variable(tf.zeros([256])), "out": tf.Variable(tf.zeros([10]))}

layer_1 = tf.nn.relu(tf.add(tf.matmul(X, weights["h1"]), biases["b1"]))
logits = tf.matmul(layer_1, weights["out"]) + biases["out"]
loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
train_op = tf.train.AdamOptimizer(learning_rate=0.001).minimize(loss_op)
correct_pred = tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

with tf.Session() as sess:
    for step in range(1, 301):
        sess.run(tf.global_variables_initializer())
        batch_x, batch_y = mnist.train.next_batch(64)
        sess.run(train_op, feed_dict={X: batch_x, Y: batch_y})
        if step % 100 == 0:
            loss, acc = sess.run([loss_op, accuracy], feed_dict={X: batch_x, Y: batch_y})
            print("Step " + str(step) + ", Minibatch Loss= " + "{:.4f}".format(loss) + ", Training Accuracy= " + "{:.3f}".format(acc))
    print("Testing Accuracy:", sess.run(accuracy, feed_dict={X: mnist.test.images, Y: mnist.test.labels}))
