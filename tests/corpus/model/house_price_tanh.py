"""Predicting house prices (in $1000s) from 8 features. The MAE never goes below ~300."""
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def load_data():
    rng = np.random.RandomState(11)
    n = 1500
    area = rng.uniform(40, 250, n)
    rooms = rng.randint(1, 7, n)
    age = rng.uniform(0, 80, n)
    dist = rng.exponential(8, n)
    floor = rng.randint(0, 15, n)
    garden = rng.binomial(1, 0.4, n)
    school = rng.uniform(1, 10, n)
    crime = rng.gamma(2.0, 1.5, n)
    X = np.column_stack([area, rooms, age, dist, floor, garden, school, crime])
    price = (60 + 1.6 * area + 12 * rooms - 0.9 * age - 4.0 * dist + 2.0 * floor
             + 25 * garden + 9 * school - 6 * crime + rng.normal(0, 20, n))
    X_train, X_test, y_train, y_test = train_test_split(X, price, test_size=0.2, random_state=11)
    scaler = StandardScaler().fit(X_train)
    return ((scaler.transform(X_train).astype("float32"), y_train.astype("float32")),
            (scaler.transform(X_test).astype("float32"), y_test.astype("float32")))


def build_model():
    tf.keras.utils.set_random_seed(11)
    model = tf.keras.Sequential([
        tf.keras.layers.Input(shape=(8,)),
        tf.keras.layers.Dense(64, activation="tanh"),
        tf.keras.layers.Dense(32, activation="tanh"),
        tf.keras.layers.Dense(1, activation="tanh"),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.001), loss="mse", metrics=["mae"])
    return model
