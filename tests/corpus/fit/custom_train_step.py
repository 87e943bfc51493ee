"""Subclassed keras.Model that overrides train_step/test_step (Keras 3 style), MNIST."""
import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(33)


class Classifier(keras.Model):
    def __init__(self, num_classes=10):
        super().__init__()
        self.flatten = keras.layers.Flatten()
        self.hidden = keras.layers.Dense(128, activation="relu")
        self.drop = keras.layers.Dropout(0.1)
        self.out = keras.layers.Dense(num_classes)
        self.loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.acc = keras.metrics.SparseCategoricalAccuracy(name="accuracy")

    def call(self, x, training=False):
        x = self.flatten(x)
        x = self.hidden(x)
        x = self.drop(x, training=training)
        return self.out(x)

    @property
    def metrics(self):
        return [self.loss_tracker, self.acc]

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            logits = self(x, training=True)
            loss = self.loss_fn(y, logits)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.loss_tracker.update_state(loss)
        self.acc.update_state(y, logits)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        logits = self(x, training=False)
        self.loss_tracker.update_state(self.loss_fn(y, logits))
        self.acc.update_state(y, logits)
        return {m.name: m.result() for m in self.metrics}


(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = (x_train / 255.0).astype(np.float32)
x_test = (x_test / 255.0).astype(np.float32)

model = Classifier()
model.compile(optimizer=keras.optimizers.Adam(1e-3))
model.fit(x_train, y_train, epochs=6, batch_size=32, verbose=2)
print(model.evaluate(x_test, y_test, return_dict=True, verbose=0))
