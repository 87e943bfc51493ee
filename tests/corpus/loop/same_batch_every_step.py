"""Eager training loop over a tf.data pipeline for MNIST. Loss goes to ~0 but test accuracy is bad."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(5)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_test = x_test.reshape(-1, 784).astype("float32") / 255.0
train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(64)

model = tf.keras.Sequential([
    tf.keras.layers.Input((784,)),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10),
])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(1e-3)

steps_per_epoch = len(x_train) // 64
for epoch in range(3):
    for step in range(steps_per_epoch):
        x_batch, y_batch = next(iter(train_ds))
        with tf.GradientTape() as tape:
            loss = loss_fn(y_batch, model(x_batch, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    test_acc = np.mean(np.argmax(model(x_test).numpy(), axis=1) == y_test)
    print(f"epoch {epoch}: last loss {float(loss):.4f}  test acc {test_acc:.3f}")
