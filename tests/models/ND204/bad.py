"""ND204 bad: a learning-rate schedule with decay_steps=1 halves the rate every step, so after
a few dozen steps the updates round to nothing and the weights freeze (subclassed model)."""

import keras


class Classifier(keras.Model):
    def __init__(self):
        super().__init__()
        self.flatten = keras.layers.Flatten()
        self.hidden = keras.layers.Dense(64, activation="relu")
        self.out = keras.layers.Dense(10, activation="softmax")

    def call(self, x):
        return self.out(self.hidden(self.flatten(x)))


def build_model():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=1, decay_rate=0.5)
    model = Classifier()
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="sparse_categorical_crossentropy")
    return model
