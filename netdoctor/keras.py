"""Record a Keras ``fit`` in your own process, then judge it: ``recorder.report()``.

Imports TensorFlow (``import netdoctor`` alone does not)::

    from netdoctor.keras import Recorder

    recorder = Recorder(x_train, y_train)
    model.fit(x_train, y_train, epochs=3, callbacks=[recorder])
    print(recorder.report().codes())
"""

from netdoctor.observe.keras.fit import Recorder

__all__ = ["Recorder"]
