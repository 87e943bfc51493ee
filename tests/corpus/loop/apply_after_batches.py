"""MNIST MLP trained with an eager GradientTape loop over numpy minibatches."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(61)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_test = x_test.reshape(-1, 784).astype("float32") / 255.0

model = tf.keras.Sequential([
    tf.keras.layers.Input((784,)),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(10),
])
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
batch_size = 64
n_batches = len(x_train) // batch_size

for epoch in range(6):
    perm = np.random.permutation(len(x_train))
    total_loss = 0.0
    for i in range(n_batches):
        idx = perm[i * batch_size:(i + 1) * batch_size]
        with tf.GradientTape() as tape:
            logits = model(x_train[idx], training=True)
            loss = loss_object(y_train[idx], logits)
        total_loss += float(loss)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    acc = np.mean(np.argmax(model(x_test), axis=1) == y_test)
    print(f"epoch {epoch + 1}: loss {total_loss / n_batches:.4f}  test accuracy {acc:.3f}")
