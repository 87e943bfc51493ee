"""build_model() raises."""


def build_model():
    raise ValueError("the widths do not add up")
