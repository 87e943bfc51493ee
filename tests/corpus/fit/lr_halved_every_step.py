"""MNIST MLP with Adam and a learning-rate schedule that halves the rate every epoch.
After the first few batches the loss freezes."""
import keras
import numpy as np

keras.utils.set_random_seed(17)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.astype("float32").reshape(-1, 784) / 255
x_test = x_test.astype("float32").reshape(-1, 784) / 255

EPOCHS = 10
BATCH_SIZE = 64

lr_schedule = keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=1e-3,
    decay_steps=1,
    decay_rate=0.5,
    staircase=True,
)

model = keras.Sequential([
    keras.layers.Input(shape=(784,)),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(256, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr_schedule),
              loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=EPOCHS,
                    validation_data=(x_test, y_test), verbose=2)
print("final lr:", float(lr_schedule(model.optimizer.iterations)))
print("val acc:", np.round(history.history["val_accuracy"], 3))
