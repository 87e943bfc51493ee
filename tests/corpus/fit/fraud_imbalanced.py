"""Fraud detection on transaction features: 99% accuracy, but the model never flags a single
fraudulent transaction."""
import keras
import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import classification_report, confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(5)

X, y = make_classification(n_samples=8000, n_features=12, n_informative=4, n_redundant=2,
                           weights=[0.99, 0.01], class_sep=1.0, flip_y=0.0, random_state=5)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=5, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
print("fraud share:", y_train.mean())

model = keras.Sequential([
    keras.Input(shape=(12,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(X_train, y_train, epochs=5, batch_size=32, validation_data=(X_test, y_test), verbose=2)

pred = (model.predict(X_test, verbose=0).ravel() > 0.5).astype(int)
print(confusion_matrix(y_test, pred))
print(classification_report(y_test, pred, zero_division=0))
