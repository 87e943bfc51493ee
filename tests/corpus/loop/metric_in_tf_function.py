"""MNIST MLP with a @tf.function train step that also tracks accuracy."""
import tensorflow as tf

tf.keras.utils.set_random_seed(9)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_test = x_test.reshape(-1, 784).astype("float32") / 255.0
ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(4000, seed=9).batch(64)

model = tf.keras.Sequential([
    tf.keras.layers.Input((784,)),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10),
])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(1e-3)


@tf.function
def train_step(x, y):
    accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    accuracy.update_state(y, logits)
    return loss, accuracy.result()


for epoch in range(5):
    for x, y in ds:
        loss, acc = train_step(x, y)
    print(f"epoch {epoch}: loss {float(loss):.4f}  batch accuracy {float(acc):.3f}")
test_acc = tf.reduce_mean(tf.cast(tf.argmax(model(x_test), 1) == y_test, tf.float32))
print("test accuracy:", float(test_acc))
