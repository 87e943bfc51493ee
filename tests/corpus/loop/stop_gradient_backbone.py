"""Two-stage MNIST model (feature extractor + classifier) trained end to end with GradientTape."""
import tensorflow as tf
from tensorflow import keras

keras.utils.set_random_seed(4)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_test = x_test.reshape(-1, 784).astype("float32") / 255.0

backbone = keras.Sequential([
    keras.layers.Input(shape=(784,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(8, activation="relu"),
], name="backbone")
classifier = keras.Sequential([
    keras.layers.Input(shape=(8,)),
    keras.layers.Dense(10),
], name="classifier")

optimizer = keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
trainable = backbone.trainable_variables + classifier.trainable_variables


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        feats = tf.stop_gradient(backbone(x, training=True))
        logits = classifier(feats, training=True)
        loss = loss_fn(y, logits)
    grads = tape.gradient(loss, trainable)
    grads_and_vars = [(g, v) for g, v in zip(grads, trainable) if g is not None]
    optimizer.apply_gradients(grads_and_vars)
    return loss


data = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(4000, seed=4).batch(32)
for epoch in range(6):
    for xb, yb in data:
        loss = train_step(xb, yb)
    logits = classifier(backbone(x_test))
    acc = float(tf.reduce_mean(tf.cast(tf.argmax(logits, 1) == tf.cast(y_test, tf.int64), tf.float32)))
    print(f"epoch {epoch}: loss {float(loss):.3f} test acc {acc:.3f}")
