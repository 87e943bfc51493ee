"""Wine dataset from a DataFrame, scaled to [0, 1] with MinMaxScaler. The model never predicts class 2?"""
import numpy as np
import pandas as pd
from sklearn.datasets import load_wine
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
from tensorflow import keras

keras.utils.set_random_seed(37)

df = load_wine(as_frame=True).frame
df = pd.DataFrame(MinMaxScaler().fit_transform(df), columns=df.columns)

X = df.drop(columns="target").values
y = df["target"].values.astype("int64")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=37)

model = keras.Sequential([
    keras.layers.Input(shape=(X.shape[1],)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(X_train, y_train, epochs=80, batch_size=16, verbose=2)

pred = model.predict(X_test, verbose=0).argmax(axis=1)
print("test accuracy:", model.evaluate(X_test, y_test, verbose=0)[1])
print("predicted class counts:", np.bincount(pred, minlength=3))
print(confusion_matrix(y_test, pred, labels=[0, 1, 2]))
