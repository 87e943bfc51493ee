"""A script that builds a model, prints it, and never trains it."""

import _tiny

if __name__ == "__main__":
    _tiny.model().summary()
