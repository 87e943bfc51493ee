"""MNIST with separate image and label pipelines zipped together, @tf.function train step."""
import tensorflow as tf

BATCH_SIZE = 64
BUFFER = 4000


def main():
    tf.keras.utils.set_random_seed(71)
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x_train = x_train.astype("float32") / 255.0
    x_test = x_test.astype("float32") / 255.0

    images = tf.data.Dataset.from_tensor_slices(x_train).shuffle(BUFFER)
    labels = tf.data.Dataset.from_tensor_slices(y_train).shuffle(BUFFER)
    train_ds = tf.data.Dataset.zip((images, labels)).batch(BATCH_SIZE)

    model = tf.keras.Sequential([
        tf.keras.layers.Input((28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(10),
    ])
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.Adam(1e-3)
    train_acc = tf.keras.metrics.SparseCategoricalAccuracy()
    test_acc = tf.keras.metrics.SparseCategoricalAccuracy()

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = loss_fn(y, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        train_acc.update_state(y, logits)
        return loss

    for epoch in range(8):
        train_acc.reset_state()
        test_acc.reset_state()
        for x, y in train_ds:
            loss = train_step(x, y)
        test_acc.update_state(y_test, model(x_test, training=False))
        print(f"epoch {epoch + 1}: loss {float(loss):.4f}  train acc {float(train_acc.result()):.3f}  "
              f"test acc {float(test_acc.result()):.3f}")


if __name__ == "__main__":
    main()
