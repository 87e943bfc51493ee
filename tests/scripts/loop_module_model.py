"""A custom GradientTape loop over MNIST whose network is a module-level `model`."""

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(1)
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_test = x_test.reshape(-1, 784).astype("float32") / 255.0

model = keras.Sequential(
    [keras.Input((784,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)]
)
optimizer = keras.optimizers.Adam(1e-3)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(4000, seed=1).batch(64)
for epoch in range(3):
    for x, y in dataset:
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = loss_fn(y, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    accuracy = np.mean(np.argmax(model(x_test), axis=1) == y_test)
    print(f"epoch {epoch}: loss {float(loss):.3f}, test accuracy {accuracy:.3f}")
