"""An eager loop whose gradient step sits outside the loop over batches."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
x_train = (x_train.reshape(-1, 784) / 255.0).astype(np.float32)
model = tf.keras.Sequential([tf.keras.Input((784,)), tf.keras.layers.Dense(32, activation="relu"), tf.keras.layers.Dense(10)])
optimizer = tf.keras.optimizers.SGD(0.1)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
for epoch in range(4):
    for start in range(0, 3200, 64):
        with tf.GradientTape() as tape:
            loss = loss_fn(y_train[start:start + 64], model(x_train[start:start + 64], training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
