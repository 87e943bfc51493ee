"""Binary classifier (malignant/benign) on the Wisconsin breast cancer data."""
import keras
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(3)

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3, stratify=y)

scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)

model = keras.Sequential()
model.add(keras.Input(shape=(X_train.shape[1],)))
model.add(keras.layers.Dense(16, activation="relu"))
model.add(keras.layers.Dense(8, activation="relu"))
model.add(keras.layers.Dense(1, activation="sigmoid"))
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
              loss="binary_crossentropy", metrics=["accuracy"])

history = model.fit(X_train, y_train, epochs=30, batch_size=32, validation_split=0.15, verbose=0)
print("final train acc", history.history["accuracy"][-1], "val acc", history.history["val_accuracy"][-1])

loss, acc = model.evaluate(X_test, y_test, verbose=0)
print("test loss %.4f  test accuracy %.4f" % (loss, acc))
