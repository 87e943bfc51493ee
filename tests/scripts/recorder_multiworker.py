"""One worker of a MultiWorkerMirroredStrategy run, its fit recorded by a Recorder: TF_CONFIG
names the cluster and this task.

    python recorder_multiworker.py OUT_DIR

Every worker saves its recording as OUT_DIR/<task type>-<index>.jsonl; the chief alone writes
the report, OUT_DIR/report.json.
"""

import json
import os
import sys
from pathlib import Path

import tensorflow as tf

from fit_mirrored import data, train
from netdoctor.keras import Recorder


def reduce_leaf_by_leaf(strategy: tf.distribute.Strategy) -> None:
    """Keras 3's fit hands the strategy's ``reduce`` a whole batch, and scalars with axis=0, which
    MultiWorkerMirroredStrategy cannot reduce (keras-team/keras#20585): reduce each leaf alone."""
    reduce = strategy.reduce

    def leaf_by_leaf(op, value, axis=None):
        def one(leaf):
            rank = strategy.experimental_local_results(leaf)[0].shape.rank
            return reduce(op, leaf, axis=axis if rank else None)

        return tf.nest.map_structure(one, value)

    strategy.reduce = leaf_by_leaf


out = Path(sys.argv[1])
strategy = tf.distribute.MultiWorkerMirroredStrategy()
reduce_leaf_by_leaf(strategy)
recorder = Recorder(*data(), report_to=out / "report.json")
train(strategy, [recorder])
task = json.loads(os.environ["TF_CONFIG"])["task"]
recorder.recording.save(out / f"{task['type']}-{task['index']}.jsonl")
