"""Wine cultivar classification (3 classes) with a Keras MLP."""
import keras
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(0)

wine = load_wine()
x_train, x_test, y_train, y_test = train_test_split(
    wine.data, wine.target, test_size=0.25, random_state=1, stratify=wine.target)

model = keras.Sequential([
    keras.Input(shape=(13,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=60, batch_size=16, verbose=0)

print("train:", model.evaluate(x_train, y_train, verbose=0))
print("test:", model.evaluate(x_test, y_test, verbose=0))
