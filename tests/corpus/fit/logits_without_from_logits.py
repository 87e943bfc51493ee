"""Two-layer MNIST network; the output layer returns raw scores."""
import keras

keras.utils.set_random_seed(8)

(xtr, ytr), (xte, yte) = keras.datasets.mnist.load_data()
xtr = xtr.reshape(len(xtr), -1) / 255.0
xte = xte.reshape(len(xte), -1) / 255.0

inp = keras.Input(shape=(784,))
hidden = keras.layers.Dense(100, activation="relu")(inp)
scores = keras.layers.Dense(10)(hidden)
net = keras.Model(inp, scores)

net.compile(optimizer=keras.optimizers.Adam(0.001),
            loss=keras.losses.SparseCategoricalCrossentropy(),
            metrics=["accuracy"])
net.fit(xtr, ytr, epochs=5, batch_size=50, validation_data=(xte, yte), verbose=2)
