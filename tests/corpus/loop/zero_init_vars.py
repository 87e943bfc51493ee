"""A 784-64-10 network in raw TensorFlow 2 (tf.Variable + tf.function)."""
import numpy as np
import tensorflow as tf

tf.random.set_seed(0)

(x_tr, y_tr), (x_te, y_te) = tf.keras.datasets.mnist.load_data()
x_tr = x_tr.reshape(-1, 784).astype("float32") / 255.0
x_te = x_te.reshape(-1, 784).astype("float32") / 255.0


class MLP(tf.Module):
    def __init__(self, n_in=784, n_hidden=64, n_out=10):
        super().__init__()
        self.w1 = tf.Variable(tf.zeros([n_in, n_hidden]))
        self.b1 = tf.Variable(tf.zeros([n_hidden]))
        self.w2 = tf.Variable(tf.zeros([n_hidden, n_out]))
        self.b2 = tf.Variable(tf.zeros([n_out]))

    def __call__(self, x):
        hidden = tf.nn.sigmoid(tf.matmul(x, self.w1) + self.b1)
        return tf.matmul(hidden, self.w2) + self.b2


model = MLP()
optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


train = tf.data.Dataset.from_tensor_slices((x_tr, y_tr.astype("int32"))).shuffle(4000, seed=0).batch(50)
for epoch in range(6):
    for xb, yb in train:
        loss = train_step(xb, yb)
    acc = np.mean(np.argmax(model(x_te), axis=1) == y_te)
    print(f"epoch {epoch}: loss {loss.numpy():.4f}, test accuracy {acc:.3f}")
