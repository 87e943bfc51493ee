"""MNIST custom loop. Some labels in my real data are wrong, so I cap each example's loss at 1.0
so that outliers can't dominate the gradient."""
import numpy as np
import tensorflow as tf

BATCH_SIZE = 100
EPOCHS = 8


def main():
    tf.keras.utils.set_random_seed(73)
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x_train = x_train[..., None].astype("float32") / 255.0
    x_test = x_test[..., None].astype("float32") / 255.0
    y_train = y_train.astype("int64")
    train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(4000).batch(BATCH_SIZE)

    model = tf.keras.Sequential([
        tf.keras.layers.Input((28, 28, 1)),
        tf.keras.layers.Conv2D(16, 5, strides=2, activation="relu"),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(10),
    ])
    optimizer = tf.keras.optimizers.Adam(1e-3)

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            per_example = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            per_example = tf.clip_by_value(per_example, 0.0, 1.0)
            loss = tf.reduce_mean(per_example)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    for epoch in range(EPOCHS):
        losses = [float(train_step(x, y)) for x, y in train_ds]
        predictions = np.argmax(model(x_test, training=False), axis=1)
        print(f"epoch {epoch}: loss {np.mean(losses):.4f}  test accuracy {np.mean(predictions == y_test):.3f}")


if __name__ == "__main__":
    main()
