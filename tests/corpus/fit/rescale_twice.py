"""CNN on MNIST, loss barely moves from 2.30 and accuracy is stuck low."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

keras.utils.set_random_seed(23)


def preprocess(images):
    images = images.astype("float32") / 255.0
    return np.expand_dims(images, -1)


(train_images, train_labels), (test_images, test_labels) = keras.datasets.mnist.load_data()
train_images = preprocess(train_images)
test_images = preprocess(test_images)

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Rescaling(1.0 / 255),
    keras.layers.Conv2D(16, 3, activation="relu"),
    keras.layers.MaxPooling2D(),
    keras.layers.Conv2D(32, 3, activation="relu"),
    keras.layers.MaxPooling2D(),
    keras.layers.Flatten(),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(10),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(train_images, train_labels, epochs=4, batch_size=32,
          validation_data=(test_images, test_labels), verbose=2)
