"""A script that trains slowly for a long time; at step 5 it creates the file named by
BAD_INPUT_READY, so a test knows training has started. With IGNORE_SIGNALS set, it ignores
SIGINT and SIGTERM."""

import os
import signal
import time
from pathlib import Path

import _tiny

if os.environ.get("IGNORE_SIGNALS"):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def ready():
    Path(os.environ.get("BAD_INPUT_READY", os.devnull)).touch()


class Slowly(_tiny.AtBatch):
    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        time.sleep(0.05)


print("training slowly", flush=True)
_tiny.model().fit(*_tiny.arrays(), batch_size=10, epochs=1000, verbose=0, callbacks=[Slowly(5, ready)])
