"""build_model() recurses until Python gives up."""


def build_model(depth=0):
    return build_model(depth + 1)
