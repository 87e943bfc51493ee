import time

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(61)

BATCH = 256
EPOCHS = 30
LR = 0.05

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype(np.float32) / 255.0
x_test = x_test.reshape(-1, 784).astype(np.float32) / 255.0
y_train = y_train.astype(np.int32)

net = tf.keras.Sequential([
    tf.keras.layers.Dense(256, activation="relu"),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10),
])
net.build((None, 784))
opt = tf.keras.optimizers.SGD(learning_rate=LR, momentum=0.9)


@tf.function
def step(x, y):
    with tf.GradientTape() as tape:
        logits = net(x)
        loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    grads = tape.gradient(loss, net.trainable_variables)
    opt.apply_gradients(zip(grads, net.trainable_variables))
    return loss


data = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(len(x_train), seed=61).batch(BATCH)
t0 = time.time()
for epoch in range(EPOCHS):
    total = 0.0
    for xb, yb in data:
        total += float(step(xb, yb))
    if epoch % 5 == 4:
        acc = np.mean(np.argmax(net(x_test).numpy(), 1) == y_test)
        print(f"epoch {epoch + 1:2d}  loss/sample {total / len(x_train):.4f}  test acc {acc:.3f}  ({time.time() - t0:.1f}s)")
