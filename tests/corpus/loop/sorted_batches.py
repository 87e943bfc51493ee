"""Mini-batch training loop over MNIST; I sort the data first so batches are easy to inspect."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(14)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
idx = np.argsort(y_train)
x_train, y_train = x_train[idx], y_train[idx]
x_train = x_train.reshape(-1, 784).astype(np.float32) / 255.0
x_test = x_test.reshape(-1, 784).astype(np.float32) / 255.0

model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(784,)),
    tf.keras.layers.Dense(100, activation="relu"),
    tf.keras.layers.Dense(10),
])
opt = tf.keras.optimizers.SGD(learning_rate=0.1)
ce = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@tf.function
def step(xb, yb):
    with tf.GradientTape() as tape:
        loss = ce(yb, model(xb, training=True))
    g = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(g, model.trainable_variables))
    return loss


BATCH = 40
for epoch in range(5):
    for i in range(0, len(x_train), BATCH):
        loss = step(x_train[i:i + BATCH], y_train[i:i + BATCH])
    test_pred = np.argmax(model(x_test).numpy(), axis=1)
    print("epoch", epoch, "last loss", float(loss), "test acc", (test_pred == y_test).mean())
