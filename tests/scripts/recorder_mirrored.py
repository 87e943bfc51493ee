"""fit_mirrored's program recorded by a Recorder on one device, then under MirroredStrategy over
two logical CPUs, with fit outside and inside the strategy's scope.

    python recorder_mirrored.py OUT_DIR

Saves the recordings as OUT_DIR/one-device.jsonl, mirrored.jsonl and mirrored-in-scope.jsonl.
"""

import sys
from pathlib import Path

import tensorflow as tf

from fit_mirrored import data, split_cpu, train
from netdoctor.keras import Recorder

out = Path(sys.argv[1])
devices = split_cpu(2)
runs = {
    "one-device": (tf.distribute.get_strategy(), False),
    "mirrored": (tf.distribute.MirroredStrategy(devices), False),
    "mirrored-in-scope": (tf.distribute.MirroredStrategy(devices), True),
}
for name, (strategy, fit_in_scope) in runs.items():
    recorder = Recorder(*data())
    train(strategy, [recorder], fit_in_scope=fit_in_scope)
    recorder.recording.save(out / f"{name}.jsonl")
