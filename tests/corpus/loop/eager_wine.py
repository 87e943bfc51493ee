"""Wine classification with an eager GradientTape loop and Keras Adam."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

tf.keras.utils.set_random_seed(14)

X, y = load_wine(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=14, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype("float32")
X_test = scaler.transform(X_test).astype("float32")

model = tf.keras.Sequential([
    tf.keras.layers.Input((13,)),
    tf.keras.layers.Dense(32, activation="relu"),
    tf.keras.layers.Dense(3),
])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(1e-2)
batch_size = 16

for epoch in range(25):
    order = np.random.permutation(len(X_train))
    epoch_loss = []
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        with tf.GradientTape() as tape:
            loss = loss_fn(y_train[idx], model(X_train[idx], training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        epoch_loss.append(float(loss))
    if epoch % 5 == 4:
        acc = np.mean(np.argmax(model(X_test), axis=1) == y_test)
        print(f"epoch {epoch + 1}: loss {np.mean(epoch_loss):.4f}  test accuracy {acc:.3f}")
