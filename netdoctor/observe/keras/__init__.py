"""Keras: model mode (netdoctor's own compiled step), the ``fit`` observer and the Recorder."""
