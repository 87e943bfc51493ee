"""MNIST training loop with a hand-rolled learning-rate decay. Training is extremely slow."""
import time

import tensorflow as tf

tf.random.set_seed(5)

(xs, ys), (xs_test, ys_test) = tf.keras.datasets.mnist.load_data()
xs = tf.reshape(tf.cast(xs, tf.float32) / 255.0, (-1, 784))
ys = tf.cast(ys, tf.int32)

dense1 = tf.keras.layers.Dense(64, activation="relu")
dense2 = tf.keras.layers.Dense(10)
dense2(dense1(tf.zeros((1, 784))))
variables = dense1.trainable_variables + dense2.trainable_variables


@tf.function
def train_step(x, y, lr):
    with tf.GradientTape() as tape:
        logits = dense2(dense1(x))
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    grads = tape.gradient(loss, variables)
    for v, g in zip(variables, grads):
        v.assign_sub(lr * g)
    return loss


lr = 0.5
step = 0
t0 = time.time()
for epoch in range(2):
    ds = tf.data.Dataset.from_tensor_slices((xs, ys)).shuffle(4000, seed=epoch).batch(64)
    for x, y in ds:
        loss = train_step(x, y, lr)
        lr = lr * 0.995
        step += 1
    print(f"epoch {epoch}: loss {loss.numpy():.3f} lr {lr:.4f} ({time.time() - t0:.1f}s)")
