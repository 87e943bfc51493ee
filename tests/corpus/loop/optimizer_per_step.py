"""Eager GradientTape loop on MNIST with Adam."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

keras.utils.set_random_seed(70)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0

model = keras.Sequential([
    keras.layers.Input((28, 28)),
    keras.layers.Flatten(),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10),
])
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def train_step(x, y, lr=1e-3):
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


ds = tf.data.Dataset.from_tensor_slices((x_train.astype("float32"), y_train)).shuffle(4000, seed=70).batch(32)
for epoch in range(3):
    for step, (x, y) in enumerate(ds):
        loss = train_step(x, y)
    pred = np.argmax(model(x_test.astype("float32")), axis=-1)
    print(f"epoch {epoch}: last loss {float(loss):.4f}, test acc {np.mean(pred == y_test):.4f}")
