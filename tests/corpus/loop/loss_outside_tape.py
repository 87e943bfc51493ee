"""Wine classifier with a hand-written training loop."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

tf.keras.utils.set_random_seed(80)

X, y = load_wine(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=80, stratify=y)
sc = StandardScaler().fit(X_train)
X_train = sc.transform(X_train).astype("float32")
X_test = sc.transform(X_test).astype("float32")

model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(13,)),
    tf.keras.layers.Dense(32, activation="relu"),
    tf.keras.layers.Dense(3),
])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

for epoch in range(60):
    idx = np.random.permutation(len(X_train))
    for start in range(0, len(X_train), 16):
        b = idx[start:start + 16]
        with tf.GradientTape() as tape:
            logits = model(X_train[b], training=True)
        loss = loss_fn(y_train[b], logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    if epoch % 10 == 0:
        acc = np.mean(np.argmax(model(X_test), axis=1) == y_test)
        print(f"epoch {epoch}: loss {float(loss):.4f} test acc {acc:.3f}")
