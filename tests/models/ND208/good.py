"""ND208/bad.py fixed: the training step applies its gradients."""

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x_train = rng.normal(size=(2000, 20)).astype("float32")
y_train = (x_train[:, :3].sum(axis=1) > 0).astype("int64")

model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2)])
optimizer = keras.optimizers.Adam(1e-2)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss, grads


for step in range(200):
    start = (step * 40) % 2000
    loss, grads = train_step(x_train[start : start + 40], y_train[start : start + 40])
