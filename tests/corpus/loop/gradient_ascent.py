"""Softmax regression + hidden layer on MNIST with a hand-written update rule."""
import numpy as np
import tensorflow as tf

np.random.seed(1)
tf.random.set_seed(1)

(train_x, train_y), (test_x, test_y) = tf.keras.datasets.mnist.load_data()
train_x = train_x.reshape(-1, 784).astype("float32") / 255.0
test_x = test_x.reshape(-1, 784).astype("float32") / 255.0
train_y = tf.one_hot(train_y, 10)

model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(784,)),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(10),
])
learning_rate = 0.05


def compute_loss(x, y):
    logits = model(x)
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))


for epoch in range(4):
    order = np.random.permutation(4000)
    for start in range(0, 4000, 64):
        batch = order[start:start + 64]
        xb = tf.gather(train_x, batch)
        yb = tf.gather(train_y, batch)
        with tf.GradientTape() as tape:
            loss = compute_loss(xb, yb)
        grads = tape.gradient(loss, model.trainable_variables)
        for var, grad in zip(model.trainable_variables, grads):
            var.assign_add(learning_rate * grad)
    pred = np.argmax(model(test_x).numpy(), axis=1)
    print(f"epoch {epoch}  loss={loss.numpy():.3f}  test_acc={np.mean(pred == test_y):.3f}")
