"""ND301 bad: SGD with learning rate 2.0 pushes most ReLU units dead."""

import keras


def build_model():
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(2.0), loss="sparse_categorical_crossentropy")
    return model
