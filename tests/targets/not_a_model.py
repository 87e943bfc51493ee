"""build_model() returns something that is not a Keras model."""


def build_model():
    return [16, 16, 10]
