"""The recording: folding streamed records, saving and loading, surviving a torn stream."""

from __future__ import annotations

import math

import numpy as np
import pytest

from netdoctor.recording import Recording, dumps, read_records

RECORDS = [
    {"type": "meta", "target": "m.py", "notes": ["first"]},
    {"type": "meta", "layers": [{"name": "dense", "kind": "Dense", "kernel_shape": [4, 2], "inbound": []}], "notes": ["second"]},
    {"type": "train", "start": 0, "loss": [2.3, 2.2], "accuracy": [0.1, 0.2]},
    {"type": "sample", "step": 0, "layers": {"dense": {"kernel_std": 0.5}}},
    {"type": "train", "start": 2, "loss": [float("nan")], "accuracy": [0.2]},
    {"type": "sample", "step": 2, "layers": {"dense": {"kernel_std": float("inf")}}},
    {"type": "eval", "step": 2, "loss": 2.0, "accuracy": 0.3},
    {"type": "end", "steps": 3, "duration_s": 1.5},
]


def test_records_fold_into_a_recording():
    rec = Recording.from_records(RECORDS)
    assert rec.complete and rec.steps == 3
    assert rec.meta["target"] == "m.py" and rec.meta["notes"] == ["first", "second"]
    assert rec.layers[0].kernel_shape == (4, 2) and rec.layers[0].has_kernel
    np.testing.assert_allclose(rec.train_loss[:2], [2.3, 2.2])
    assert math.isnan(rec.train_loss[2])
    np.testing.assert_array_equal(rec.sample_steps, [0, 2])
    assert rec.layer_series("dense", "kernel_std")[1] == math.inf
    assert math.isnan(rec.layer_series("dense", "grad_norm")[0])
    assert rec.test_accuracy == pytest.approx(0.3)


def test_save_and_load_round_trip(tmp_path):
    rec = Recording.from_records(RECORDS)
    path = tmp_path / "run.jsonl"
    rec.save(path)
    again = Recording.load(path)
    assert again.records == Recording.from_records(read_records(dumps(r) for r in RECORDS)).records
    np.testing.assert_array_equal(np.isnan(again.train_loss), np.isnan(rec.train_loss))
    assert again.layer_series("dense", "kernel_std")[1] == math.inf


def test_non_finite_numbers_are_valid_json():
    line = dumps({"type": "train", "start": 0, "loss": [float("nan"), float("-inf")]})
    assert "NaN" not in line and "Infinity" not in line


def test_a_torn_last_line_is_dropped_but_a_torn_middle_line_is_an_error():
    good = [dumps(r) for r in RECORDS[:3]]
    assert len(list(read_records([*good, '{"type": "sam']))) == 3
    with pytest.raises(ValueError, match="line 2"):
        list(read_records([good[0], '{"type": "sam', good[1]]))


def test_a_run_without_an_end_record_is_incomplete():
    rec = Recording.from_records(RECORDS[:4])
    assert not rec.complete and rec.steps == 2
