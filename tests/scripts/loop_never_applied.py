"""A training loop that computes gradients but forgets to apply them."""

import keras
import tensorflow as tf

keras.utils.set_random_seed(0)
(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0

net = keras.Sequential([keras.Input((784,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)])
opt = keras.optimizers.SGD(0.1)
criterion = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@tf.function
def train_step(images, labels):
    with tf.GradientTape() as tape:
        loss = criterion(labels, net(images, training=True))
    gradients = tape.gradient(loss, net.trainable_variables)
    return loss, gradients


for step in range(300):
    start = (step * 50) % 4000
    loss, _ = train_step(x_train[start : start + 50], y_train[start : start + 50])
    if step % 50 == 0:
        print(step, float(loss))
