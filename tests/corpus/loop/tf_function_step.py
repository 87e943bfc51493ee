"""MNIST CNN trained with a compiled (@tf.function) train step."""
import random

import tensorflow as tf
from tensorflow import keras


def get_data(batch_size=50):
    (x, y), (xt, yt) = keras.datasets.mnist.load_data()
    x = tf.cast(x[..., None], tf.float32) / 255.0
    xt = tf.cast(xt[..., None], tf.float32) / 255.0
    train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10000, seed=1).batch(batch_size)
    return train, (xt, yt)


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = keras.layers.Conv2D(16, 3, activation="relu")
        self.pool = keras.layers.MaxPooling2D()
        self.flat = keras.layers.Flatten()
        self.fc = keras.layers.Dense(64, activation="relu")
        self.out = keras.layers.Dense(10)

    def call(self, x):
        return self.out(self.fc(self.flat(self.pool(self.conv(x)))))


def main():
    random.seed(1)
    tf.random.set_seed(1)
    train, (xt, yt) = get_data()
    net = Net()
    opt = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
    ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            loss = ce(labels, net(images))
        grads = tape.gradient(loss, net.trainable_variables)
        opt.apply_gradients(zip(grads, net.trainable_variables))
        return loss

    for epoch in range(3):
        total, n = 0.0, 0
        for images, labels in train:
            total += float(train_step(images, labels))
            n += 1
        acc = tf.reduce_mean(tf.cast(tf.argmax(net(xt), axis=1) == tf.cast(yt, tf.int64), tf.float32))
        print(f"epoch {epoch}: mean loss {total / n:.4f}, test accuracy {float(acc):.4f}")


if __name__ == "__main__":
    main()
