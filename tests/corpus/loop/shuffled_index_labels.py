"""Eager GradientTape loop on MNIST with numpy minibatches, reshuffled every epoch."""
import numpy as np
import tensorflow as tf

BATCH = 50
EPOCHS = 6

rng = np.random.default_rng(61)
tf.keras.utils.set_random_seed(61)
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_test = x_test.reshape(-1, 784).astype("float32") / 255.0

model = tf.keras.Sequential([
    tf.keras.layers.Input((784,)),
    tf.keras.layers.Dense(200, activation="relu"),
    tf.keras.layers.Dense(10),
])
opt = tf.keras.optimizers.Adam(1e-3)
xent = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

n_batches = len(x_train) // BATCH
for epoch in range(EPOCHS):
    order = rng.permutation(len(x_train))
    total = 0.0
    for i in range(n_batches):
        batch_idx = order[i * BATCH:(i + 1) * BATCH]
        xb = x_train[batch_idx]
        yb = y_train[i * BATCH:(i + 1) * BATCH]
        with tf.GradientTape() as tape:
            loss = xent(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        total += float(loss)
    acc = np.mean(np.argmax(model(x_test), axis=1) == y_test)
    print(f"epoch {epoch}: mean loss {total / n_batches:.4f}, test accuracy {acc:.3f}")
