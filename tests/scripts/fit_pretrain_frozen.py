"""An autoencoder pretrained on MNIST, then its encoder under a new head, every layer frozen."""

import keras

keras.utils.set_random_seed(0)
(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0

encoder = keras.Sequential([keras.Input((784,)), keras.layers.Dense(64, activation="relu")])
decoder = keras.Sequential([keras.Input((64,)), keras.layers.Dense(784, activation="sigmoid")])
autoencoder = keras.Sequential([encoder, decoder])
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
autoencoder.fit(x_train, x_train, batch_size=128, epochs=1, verbose=0)

classifier = keras.Sequential([encoder, keras.layers.Dense(10, activation="softmax")])
for layer in classifier.layers:
    layer.trainable = False
classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
classifier.fit(x_train, y_train, batch_size=64, epochs=2, verbose=0)
