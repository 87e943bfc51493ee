"""Gradient accumulation (4 micro-batches of 16 per update) in a custom MNIST loop.
The first epoch looks fine, then the loss blows up."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(90)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = (x_train.reshape(-1, 784) / 255.0).astype(np.float32)
x_test = (x_test.reshape(-1, 784) / 255.0).astype(np.float32)

model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(784,)),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(10),
])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

ACCUM_STEPS = 4
accum = [tf.Variable(tf.zeros_like(v), trainable=False) for v in model.trainable_variables]


@tf.function
def micro_step(xb, yb):
    with tf.GradientTape() as tape:
        loss = loss_fn(yb, model(xb, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    for a, g in zip(accum, grads):
        a.assign_add(g / ACCUM_STEPS)
    return loss


ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(4000, seed=90).batch(16)
step = 0
for epoch in range(4):
    losses = []
    for xb, yb in ds:
        losses.append(float(micro_step(xb, yb)))
        step += 1
        if step % ACCUM_STEPS == 0:
            optimizer.apply_gradients(zip(accum, model.trainable_variables))
    acc = np.mean(np.argmax(model(x_test), axis=1) == y_test)
    print(f"epoch {epoch + 1}: updates {step // ACCUM_STEPS} mean loss {np.mean(losses):.4f} test acc {acc:.3f}")
