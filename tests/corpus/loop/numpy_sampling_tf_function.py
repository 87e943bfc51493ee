"""Random minibatch SGD on MNIST: sample a batch with numpy inside a compiled train step."""
import numpy as np
import tensorflow as tf

BATCH_SIZE = 64
STEPS = 800

tf.keras.utils.set_random_seed(53)
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = (x_train.reshape(-1, 784) / 255.0).astype("float32")
x_test = (x_test.reshape(-1, 784) / 255.0).astype("float32")
y_train = y_train.astype("int64")
X_TRAIN = tf.constant(x_train)
Y_TRAIN = tf.constant(y_train)

model = tf.keras.Sequential([
    tf.keras.layers.Input((784,)),
    tf.keras.layers.Dense(256, activation="relu"),
    tf.keras.layers.Dense(10),
])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@tf.function
def train_step():
    idx = np.random.randint(0, len(x_train), size=BATCH_SIZE)
    xb = tf.gather(X_TRAIN, idx)
    yb = tf.gather(Y_TRAIN, idx)
    with tf.GradientTape() as tape:
        loss = loss_fn(yb, model(xb, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


for step in range(1, STEPS + 1):
    loss = train_step()
    if step % 200 == 0:
        test_pred = np.argmax(model(x_test, training=False), axis=1)
        print(f"step {step}: batch loss {float(loss):.4f}  test accuracy {np.mean(test_pred == y_test):.3f}")
