"""Two moons with a functional Keras model, ReduceLROnPlateau and EarlyStopping."""
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split
from tensorflow import keras

keras.utils.set_random_seed(47)
X, y = make_moons(n_samples=1500, noise=0.2, random_state=47)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=47)

inputs = keras.Input(shape=(2,))
h = keras.layers.Dense(32, activation="relu")(inputs)
h = keras.layers.Dense(32, activation="relu")(h)
outputs = keras.layers.Dense(1, activation="sigmoid")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy",
              metrics=["accuracy", keras.metrics.AUC(name="auc")])

callbacks = [
    keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=3, min_lr=1e-4, verbose=1),
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=8, restore_best_weights=True),
]
history = model.fit(X_train, y_train, epochs=40, batch_size=64, validation_split=0.15,
                    callbacks=callbacks, verbose=2)
print("epochs run:", len(history.history["loss"]))
print("test [loss, accuracy, auc]:", model.evaluate(X_test, y_test, verbose=0))
