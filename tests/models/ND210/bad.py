"""An MNIST MLP trained with Adam whose beta_2 (0.5) is far below its beta_1 (0.99)."""

import keras


def build_model():
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3, beta_1=0.99, beta_2=0.5),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
