"""A script that asks for the number of epochs on standard input."""

import _tiny

epochs = int(input("epochs? "))
_tiny.model().fit(*_tiny.arrays(), batch_size=10, epochs=epochs, verbose=0)
