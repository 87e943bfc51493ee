"""MNIST loop with an exponential learning-rate schedule; accuracy stops improving almost right away."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(6)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train[..., np.newaxis].astype("float32") / 255.0
x_test = x_test[..., np.newaxis].astype("float32") / 255.0

model = tf.keras.Sequential([
    tf.keras.layers.Input((28, 28, 1)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10),
])
schedule = tf.keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=0.01, decay_steps=10, decay_rate=0.01)
optimizer = tf.keras.optimizers.SGD(learning_rate=schedule)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@tf.function
def train_on_batch(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(4000, seed=6).batch(32)
for epoch in range(5):
    for x, y in ds:
        loss = train_on_batch(x, y)
    lr_now = float(schedule(optimizer.iterations))
    acc = np.mean(np.argmax(model(x_test), -1) == y_test)
    print(f"epoch {epoch}: loss={float(loss):.4f} lr={lr_now:.3g} test_acc={acc:.3f}")
