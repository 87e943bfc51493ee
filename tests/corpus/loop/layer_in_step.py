"""Encoder + classification head trained with GradientTape on MNIST."""
import tensorflow as tf

tf.keras.utils.set_random_seed(8)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255
x_test = x_test.reshape(-1, 784).astype("float32") / 255

encoder = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(784,)),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(64, activation="relu"),
])
opt = tf.keras.optimizers.Adam(1e-3)
xent = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def train_step(x, y):
    with tf.GradientTape() as tape:
        features = encoder(x, training=True)
        head = tf.keras.layers.Dense(10)
        logits = head(features)
        loss = xent(y, logits)
    grads = tape.gradient(loss, encoder.trainable_variables)
    opt.apply_gradients(zip(grads, encoder.trainable_variables))
    return loss, logits


ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(4000, seed=8).batch(64)
for epoch in range(3):
    hits = total = 0
    for xb, yb in ds:
        loss, logits = train_step(xb, yb)
        hits += int(tf.reduce_sum(tf.cast(tf.argmax(logits, 1) == tf.cast(yb, tf.int64), tf.int32)))
        total += len(yb)
    print(f"epoch {epoch}: loss {float(loss):.3f}  train acc {hits / total:.3f}")
