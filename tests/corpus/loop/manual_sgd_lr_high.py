"""Logistic-regression-style MLP for breast cancer written with GradientTape and manual updates."""
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

tf.random.set_seed(2)
np.random.seed(2)

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=2)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype(np.float32)
X_test = scaler.transform(X_test).astype(np.float32)
y_train = y_train.astype(np.float32).reshape(-1, 1)

hidden = tf.keras.layers.Dense(16, activation="relu")
out = tf.keras.layers.Dense(1)
hidden.build((None, 30))
out.build((None, 16))
weights = hidden.trainable_weights + out.trainable_weights

LR = 10.0
for epoch in range(40):
    perm = np.random.permutation(len(X_train))
    for b in range(0, len(perm), 32):
        i = perm[b:b + 32]
        with tf.GradientTape() as tape:
            z = out(hidden(X_train[i]))
            loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y_train[i], logits=z))
        for w, g in zip(weights, tape.gradient(loss, weights)):
            w.assign_sub(LR * g)
    if epoch % 10 == 9:
        p = tf.sigmoid(out(hidden(X_test))).numpy().ravel()
        print(f"epoch {epoch + 1}: loss {loss.numpy():.4f} test acc {np.mean((p > 0.5) == y_test):.3f}")
