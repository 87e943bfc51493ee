"""Observers: everything that imports TensorFlow. Runs in the child process only."""
