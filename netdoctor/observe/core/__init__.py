"""The framework-neutral core of observation: the seam every observer implements, schedules,
records, streaming, the user's source locations and the observer process. Imports no
TensorFlow, so an observer for another framework can sit beside the TensorFlow ones."""
