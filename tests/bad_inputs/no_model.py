"""Neither a model nor any training: a plain program."""

print("hello from a program that defines no model")
