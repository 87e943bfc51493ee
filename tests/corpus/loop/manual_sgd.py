"""Two-layer network on MNIST written from scratch with tf.Variable and plain gradient descent."""
import numpy as np
import tensorflow as tf

tf.random.set_seed(42)
np.random.seed(42)

(X, Y), (Xt, Yt) = tf.keras.datasets.mnist.load_data()
X = X.reshape(-1, 784).astype(np.float32) / 255.0
Xt = Xt.reshape(-1, 784).astype(np.float32) / 255.0
Y = Y.astype(np.int64)

n_hidden = 100
W1 = tf.Variable(tf.random.normal([784, n_hidden], stddev=np.sqrt(2.0 / 784)), name="W1")
b1 = tf.Variable(tf.zeros([n_hidden]), name="b1")
W2 = tf.Variable(tf.random.normal([n_hidden, 10], stddev=np.sqrt(1.0 / n_hidden)), name="W2")
b2 = tf.Variable(tf.zeros([10]), name="b2")
params = [W1, b1, W2, b2]


def forward(x):
    h = tf.nn.relu(x @ W1 + b1)
    return h @ W2 + b2


lr = 0.1
batch = 50
for epoch in range(8):
    perm = np.random.permutation(len(X))
    for i in range(0, len(X), batch):
        idx = perm[i:i + batch]
        xb, yb = X[idx], Y[idx]
        with tf.GradientTape() as tape:
            logits = forward(xb)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=logits))
        grads = tape.gradient(loss, params)
        for p, g in zip(params, grads):
            p.assign_sub(lr * g)
    acc = np.mean(np.argmax(forward(Xt).numpy(), 1) == Yt)
    print("epoch", epoch, "loss", loss.numpy(), "test acc", acc)
