"""TensorFlow's side of observation: the statistics, computed once for every observer."""
