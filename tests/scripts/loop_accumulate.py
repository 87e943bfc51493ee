"""An eager loop that accumulates the gradients of 4 batches before each update."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
x_train = (x_train.reshape(-1, 784) / 255.0).astype(np.float32)
model = tf.keras.Sequential([tf.keras.Input((784,)), tf.keras.layers.Dense(64, activation="relu"), tf.keras.layers.Dense(10)])
optimizer = tf.keras.optimizers.SGD(0.1)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
summed = [tf.zeros_like(v) for v in model.trainable_variables]
for step in range(240):
    batch = slice((step * 32) % 3968, (step * 32) % 3968 + 32)
    with tf.GradientTape() as tape:
        loss = loss_fn(y_train[batch], model(x_train[batch], training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    summed = [s + g / 4 for s, g in zip(summed, grads)]
    if step % 4 == 3:
        optimizer.apply_gradients(zip(summed, model.trainable_variables))
        summed = [tf.zeros_like(v) for v in model.trainable_variables]
