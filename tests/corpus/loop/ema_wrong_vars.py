"""Custom training loop with an EMA copy of the model for evaluation. Training loss does not
go down at all, not even on the training batches."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(50)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = (x_train.reshape(-1, 784) / 255.0).astype("float32")
x_test = (x_test.reshape(-1, 784) / 255.0).astype("float32")


def make_model():
    return tf.keras.Sequential([
        tf.keras.layers.Input(shape=(784,)),
        tf.keras.layers.Dense(200, activation="relu"),
        tf.keras.layers.Dense(10),
    ])


model = make_model()
ema_model = make_model()
ema_model.set_weights(model.get_weights())
EMA_DECAY = 0.99

optimizer = tf.keras.optimizers.Adam(1e-3)
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
train_acc = tf.keras.metrics.SparseCategoricalAccuracy()


@tf.function
def train_step(images, labels):
    with tf.GradientTape() as tape:
        logits = model(images, training=True)
        loss = loss_object(labels, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, ema_model.trainable_variables))
    for w, ew in zip(model.weights, ema_model.weights):
        ew.assign(EMA_DECAY * ew + (1.0 - EMA_DECAY) * w)
    train_acc.update_state(labels, logits)
    return loss


dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(4000, seed=50).batch(32)
for epoch in range(6):
    train_acc.reset_state()
    losses = [float(train_step(x, y)) for x, y in dataset]
    test_acc = np.mean(np.argmax(ema_model(x_test), axis=1) == y_test)
    print(f"epoch {epoch + 1}: loss {np.mean(losses):.4f} train acc {float(train_acc.result()):.4f} "
          f"ema test acc {test_acc:.4f}")
