"""Custom training loops: ``GradientTape`` steps, eager or inside ``tf.function``s, updated by
a Keras optimizer or by hand."""
