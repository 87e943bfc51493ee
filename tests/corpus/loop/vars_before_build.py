"""Custom loop for MNIST. No error, but the accuracy never changes from epoch to epoch."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(95)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.astype("float32") / 255.0
x_test = x_test.astype("float32") / 255.0


class MLP(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.flat = tf.keras.layers.Flatten()
        self.fc1 = tf.keras.layers.Dense(128, activation="relu")
        self.fc2 = tf.keras.layers.Dense(10)

    def call(self, x):
        return self.fc2(self.fc1(self.flat(x)))


model = MLP()
params = model.trainable_variables
LEARNING_RATE = 0.1
criterion = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(4000, seed=95).batch(64)

for epoch in range(8):
    epoch_loss = tf.keras.metrics.Mean()
    for images, labels in train_ds:
        with tf.GradientTape() as tape:
            loss = criterion(labels, model(images))
        grads = tape.gradient(loss, params)
        for p, g in zip(params, grads):
            p.assign_sub(LEARNING_RATE * g)
        epoch_loss.update_state(loss)
    acc = (tf.argmax(model(x_test), axis=1).numpy() == y_test).mean()
    print("Epoch {}: loss={:.4f} test_acc={:.4f}".format(epoch + 1, epoch_loss.result(), acc))
