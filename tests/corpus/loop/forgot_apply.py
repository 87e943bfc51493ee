"""Custom training loop for MNIST. The loss does not go down at all."""
import tensorflow as tf

tf.keras.utils.set_random_seed(3)

(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
x_train = x_train.astype("float32") / 255.0
dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(4000, seed=3).batch(32)

model = tf.keras.Sequential([
    tf.keras.layers.Input((28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(10),
])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
accuracy = tf.keras.metrics.SparseCategoricalAccuracy()


@tf.function
def train_step(images, labels):
    with tf.GradientTape() as tape:
        predictions = model(images, training=True)
        loss = loss_object(labels, predictions)
    gradients = tape.gradient(loss, model.trainable_variables)
    accuracy.update_state(labels, predictions)
    return loss, gradients


for epoch in range(3):
    accuracy.reset_state()
    for images, labels in dataset:
        loss, grads = train_step(images, labels)
    print("Epoch {}, Loss: {:.4f}, Accuracy: {:.4f}".format(epoch + 1, loss, accuracy.result()))
