"""An eager loop over MNIST whose labels were shuffled apart from the images."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
x_train = (x_train.reshape(-1, 784) / 255.0).astype(np.float32)
np.random.default_rng(1).shuffle(y_train)
model = tf.keras.Sequential([tf.keras.Input((784,)), tf.keras.layers.Dense(64, activation="relu"), tf.keras.layers.Dense(10)])
optimizer = tf.keras.optimizers.Adam(1e-3)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
for step in range(150):
    batch = slice((step * 64) % 3968, (step * 64) % 3968 + 64)
    with tf.GradientTape() as tape:
        loss = loss_fn(y_train[batch], model(x_train[batch], training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
