"""Iris with a tf.data pipeline and a custom training loop (adapted from my MNIST script)."""
import tensorflow as tf
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

BATCH_SIZE = 128
EPOCHS = 100


def main():
    tf.keras.utils.set_random_seed(59)
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=59, stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train = scaler.transform(X_train).astype("float32")
    X_test = scaler.transform(X_test).astype("float32")

    train_ds = (tf.data.Dataset.from_tensor_slices((X_train, y_train))
                .shuffle(len(X_train))
                .batch(BATCH_SIZE, drop_remainder=True))

    model = tf.keras.Sequential([
        tf.keras.layers.Input((4,)),
        tf.keras.layers.Dense(16, activation="relu"),
        tf.keras.layers.Dense(3),
    ])
    optimizer = tf.keras.optimizers.Adam(0.01)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    epoch_loss = tf.keras.metrics.Mean()
    test_acc = tf.keras.metrics.SparseCategoricalAccuracy()

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    for epoch in range(EPOCHS):
        epoch_loss.reset_state()
        for x, y in train_ds:
            epoch_loss.update_state(train_step(x, y))
        if epoch % 20 == 0 or epoch == EPOCHS - 1:
            test_acc.reset_state()
            test_acc.update_state(y_test, model(X_test, training=False))
            print(f"epoch {epoch}: loss {float(epoch_loss.result()):.4f}  test acc {float(test_acc.result()):.3f}")


if __name__ == "__main__":
    main()
