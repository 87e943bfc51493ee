"""Subclassed Keras model with BatchNormalization and Dropout, custom @tf.function loop."""
import numpy as np
import tensorflow as tf


class Net(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.flatten = tf.keras.layers.Flatten()
        self.fc1 = tf.keras.layers.Dense(256, use_bias=False)
        self.bn1 = tf.keras.layers.BatchNormalization()
        self.drop = tf.keras.layers.Dropout(0.3)
        self.fc2 = tf.keras.layers.Dense(10)

    def call(self, x, training=False):
        x = self.flatten(x)
        x = tf.nn.relu(self.bn1(self.fc1(x), training=training))
        x = self.drop(x, training=training)
        return self.fc2(x)


def main():
    tf.keras.utils.set_random_seed(79)
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x_train, x_test = x_train.astype("float32") / 255.0, x_test.astype("float32") / 255.0
    train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(4000).batch(64)
    test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(500)

    model = Net()
    optimizer = tf.keras.optimizers.Adam(1e-3)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    train_loss = tf.keras.metrics.Mean()
    test_acc = tf.keras.metrics.SparseCategoricalAccuracy()

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        train_loss.update_state(loss)

    @tf.function
    def test_step(x, y):
        test_acc.update_state(y, model(x, training=False))

    for epoch in range(8):
        train_loss.reset_state()
        test_acc.reset_state()
        for x, y in train_ds:
            train_step(x, y)
        for x, y in test_ds:
            test_step(x, y)
        print(f"epoch {epoch + 1}: loss {float(train_loss.result()):.4f}  test accuracy {float(test_acc.result()):.3f}")


if __name__ == "__main__":
    main()
