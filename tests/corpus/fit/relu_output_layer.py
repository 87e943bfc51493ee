"""Fashion-style MNIST classifier with relu everywhere."""
import tensorflow as tf

tf.keras.utils.set_random_seed(31)

(train_x, train_y), (test_x, test_y) = tf.keras.datasets.mnist.load_data()
train_x = train_x / 255.0
test_x = test_x / 255.0

model = tf.keras.Sequential()
model.add(tf.keras.layers.Flatten())
model.add(tf.keras.layers.Dense(128, activation=tf.nn.relu))
model.add(tf.keras.layers.Dense(64, activation=tf.nn.relu))
model.add(tf.keras.layers.Dense(10, activation=tf.nn.relu))

model.compile(optimizer=tf.keras.optimizers.Adam(),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(train_x, train_y, epochs=5, batch_size=32, verbose=2)
test_loss, test_acc = model.evaluate(test_x, test_y, verbose=0)
print("Test accuracy:", test_acc)
