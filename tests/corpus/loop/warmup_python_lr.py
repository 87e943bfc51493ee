"""MNIST MLP, @tf.function train step with plain SGD updates and a linear learning-rate warmup."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(41)

BASE_LR = 0.1
WARMUP_STEPS = 200
BATCH_SIZE = 64
EPOCHS = 6

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_test = x_test.reshape(-1, 784).astype("float32") / 255.0

model = tf.keras.Sequential([
    tf.keras.layers.Input((784,)),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10),
])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
            .shuffle(len(x_train), seed=41).batch(BATCH_SIZE))

lr = 0.0


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    for var, grad in zip(model.trainable_variables, grads):
        var.assign_sub(lr * grad)
    return loss


global_step = 0
for epoch in range(EPOCHS):
    losses = []
    for x_batch, y_batch in train_ds:
        lr = BASE_LR * min(1.0, global_step / WARMUP_STEPS)
        losses.append(float(train_step(x_batch, y_batch)))
        global_step += 1
    test_acc = np.mean(np.argmax(model(x_test), axis=1) == y_test)
    print(f"epoch {epoch + 1}: lr {lr:.4f}  loss {np.mean(losses):.4f}  test accuracy {test_acc:.3f}")
