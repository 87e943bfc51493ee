"""Rare positive class (about 8%): class weights to compensate, but recall on the positives is still zero."""
import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras

keras.utils.set_random_seed(23)

X, y = make_classification(n_samples=3000, n_features=20, n_informative=6, n_redundant=4,
                           weights=[0.92, 0.08], class_sep=0.8, flip_y=0.01, random_state=23)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=23, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

neg, pos = np.bincount(y_train)
total = neg + pos
weight_for_0 = (1 / pos) * (total / 2.0)
weight_for_1 = (1 / neg) * (total / 2.0)
class_weight = {0: weight_for_0, 1: weight_for_1}
print(f"negatives {neg}, positives {pos}, class_weight {class_weight}")

model = keras.Sequential([
    keras.layers.Input(shape=(20,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy",
              metrics=["accuracy", keras.metrics.Recall(name="recall")])
model.fit(X_train, y_train, epochs=15, batch_size=64, class_weight=class_weight, verbose=2)

pred = (model.predict(X_test, verbose=0)[:, 0] > 0.5).astype(int)
print(f"test accuracy {np.mean(pred == y_test):.3f}  recall {recall_score(y_test, pred):.3f}  "
      f"balanced accuracy {balanced_accuracy_score(y_test, pred):.3f}")
