"""Custom training loop (eager GradientTape) for an MNIST MLP."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = (x_train.reshape(-1, 784) / 255.0).astype("float32")
x_test = (x_test.reshape(-1, 784) / 255.0).astype("float32")

train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(4000, seed=0).batch(64)

model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(784,)),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10),
])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
train_acc = tf.keras.metrics.SparseCategoricalAccuracy()

for epoch in range(5):
    train_acc.reset_state()
    for step, (xb, yb) in enumerate(train_ds):
        with tf.GradientTape() as tape:
            logits = model(xb, training=True)
            loss = loss_fn(yb, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        train_acc.update_state(yb, logits)
    print(f"epoch {epoch + 1}: loss {float(loss):.4f}  train acc {float(train_acc.result()):.4f}")

test_logits = model(x_test, training=False)
test_acc = np.mean(np.argmax(test_logits, axis=1) == y_test)
print(f"test accuracy {test_acc:.4f}")
