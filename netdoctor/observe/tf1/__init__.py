"""TF1 programs: the ``tf.compat.v1`` mapping, reading graphs, and instrumenting sessions."""
