"""A custom training loop whose `tf.function` is traced again at every step.

`train_step` takes the learning rate as a Python float that decays every step. A tf.function
treats each new Python value as a new input signature, so every call builds and compiles a
new graph: the loop runs many times slower than it should, and memory grows.

    netdoctor check examples/retrace_loop.py
"""

import keras
import tensorflow as tf

(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
images = tf.constant(x_train[:2000])
labels = tf.constant(y_train[:2000])

classifier = keras.Sequential(
    [keras.Input((784,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)]
)
optimizer = keras.optimizers.SGD()
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@tf.function
def train_step(x, y, learning_rate):
    optimizer.learning_rate.assign(learning_rate)
    with tf.GradientTape() as tape:
        loss = loss_fn(y, classifier(x, training=True))
    gradients = tape.gradient(loss, classifier.trainable_variables)
    optimizer.apply_gradients(zip(gradients, classifier.trainable_variables))
    return loss


for step in range(40):
    start = (step * 50) % 2000
    learning_rate = 0.5 / (1.0 + 0.05 * step)  # a new Python float every step: a new trace
    loss = train_step(images[start : start + 50], labels[start : start + 50], learning_rate)
    if step % 10 == 0:
        print(f"step {step}: loss {float(loss):.3f}")
