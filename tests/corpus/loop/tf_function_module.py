"""A tf.Module MLP on sklearn digits, trained with a @tf.function step and manual SGD updates."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


class MLP(tf.Module):
    def __init__(self, sizes, seed=0):
        super().__init__()
        init = tf.keras.initializers.HeNormal(seed=seed)
        self.weights = [tf.Variable(init((m, n)), name=f"w{i}") for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:]))]
        self.biases = [tf.Variable(tf.zeros([n]), name=f"b{i}") for i, n in enumerate(sizes[1:])]

    def __call__(self, x):
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            x = tf.nn.relu(x @ w + b)
        return x @ self.weights[-1] + self.biases[-1]


def main():
    tf.random.set_seed(0)
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    model = MLP([64, 128, 64, 10])
    lr = tf.constant(0.05)

    @tf.function
    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            logits = model(xb)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=logits))
        grads = tape.gradient(loss, model.trainable_variables)
        for v, g in zip(model.trainable_variables, grads):
            v.assign_sub(lr * g)
        return loss

    ds = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(len(X_train), seed=0).batch(32, drop_remainder=True)
    for epoch in range(20):
        losses = [float(train_step(xb, yb)) for xb, yb in ds]
        if epoch % 5 == 4:
            acc = np.mean(np.argmax(model(X_test).numpy(), 1) == y_test)
            print(f"epoch {epoch + 1}: loss {np.mean(losses):.4f}  test accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
