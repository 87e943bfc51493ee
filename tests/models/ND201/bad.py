"""ND201 bad: eight sigmoid layers trained with SGD; the gradient fades on its way back."""

import keras


def build_model():
    model = keras.Sequential(
        [keras.Input((784,))]
        + [keras.layers.Dense(32, activation="sigmoid") for _ in range(8)]
        + [keras.layers.Dense(10, activation="softmax")]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy")
    return model
