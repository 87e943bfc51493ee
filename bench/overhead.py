"""What observation costs, measured side by side in one run.

(a) netdoctor's training loop with its instrumentation (sampled statistics, probe batch,
    held-out evaluations) against the same compiled step with all of it turned off;
(b) the whole ``netdoctor check examples/fixed.py`` against a plain Keras script that trains
    the same network for the same steps on the same data with ``model.fit``;
(c) ``netdoctor check --verify examples/zero_init.py`` (the check, then the re-runs that test
    its fixes) against the plain ``netdoctor check examples/zero_init.py``.

    python bench/overhead.py [--steps 1000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def loop_seconds(steps: int, instrumented: bool) -> float:
    """Seconds for ``steps`` steady-state steps (tracing excluded: the loop runs once first)."""
    import keras

    from netdoctor import data
    from netdoctor.observe.core.records import Records
    from netdoctor.observe.core.stream import RecordWriter
    from netdoctor.observe.keras import setup
    from netdoctor.observe.keras.model_mode import import_target, model_from
    from netdoctor.observe.keras.trainer import Trainer

    keras.utils.set_random_seed(0)
    model, _ = model_from(import_target(ROOT / "examples" / "fixed.py", "fixed.py"), "fixed.py")
    prepared = setup.prepare(model, data.load("mnist", seed=0), mnist=True)
    records = Records(RecordWriter(os.open(os.devnull, os.O_WRONLY)))
    off = {} if instrumented else {"sample_steps": set(), "eval_steps": set()}
    trainer = Trainer(prepared, records, steps=steps, batch_size=50, seed=0, **off)
    with trainer.install():
        trainer.run()
        started = time.perf_counter()
        trainer.run()
        return time.perf_counter() - started


def command_seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=False, capture_output=True, env={**os.environ, "CI": "1"})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    plain, observed = [], []
    for _ in range(args.repeats):
        plain.append(loop_seconds(args.steps, instrumented=False))
        observed.append(loop_seconds(args.steps, instrumented=True))
    step_plain, step_observed = statistics.median(plain), statistics.median(observed)

    netdoctor = [sys.executable, "-m", "netdoctor", "check", "examples/fixed.py", "--format", "json", "--steps", str(args.steps)]
    fit = [sys.executable, "bench/plain_fit.py", str(args.steps), "50"]
    whole_fit, whole_check = [], []
    for _ in range(args.repeats):
        whole_fit.append(command_seconds(fit))
        whole_check.append(command_seconds(netdoctor))
    check, plain_fit = statistics.median(whole_check), statistics.median(whole_fit)

    sick = [sys.executable, "-m", "netdoctor", "check", "examples/zero_init.py", "--format", "json"]
    unverified, verified = [], []
    for _ in range(args.repeats):
        unverified.append(command_seconds(sick))
        verified.append(command_seconds([*sick, "--verify"]))
    plain_check, verify_check = statistics.median(unverified), statistics.median(verified)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"(a) training loop, {args.steps} steps of 50, median of {args.repeats}:")
    print(f"    plain compiled step   {1e3 * step_plain / args.steps:.3f} ms/step")
    print(f"    instrumented          {1e3 * step_observed / args.steps:.3f} ms/step")
    print(f"    ratio                 {step_observed / step_plain:.3f}  (target <= 1.10)")
    print(f"(b) whole command, median of {args.repeats}:")
    print(f"    plain model.fit script         {plain_fit:.2f} s")
    print(f"    netdoctor check examples/fixed {check:.2f} s")
    print(f"    ratio                          {check / plain_fit:.3f}  (target <= 1.0)")
    print(f"(c) verification, median of {args.repeats}:")
    print(f"    netdoctor check examples/zero_init.py            {plain_check:.2f} s")
    print(f"    netdoctor check --verify examples/zero_init.py   {verify_check:.2f} s")
    print(f"    ratio                                            {verify_check / plain_check:.3f}  (target <= 2.0)")


if __name__ == "__main__":
    main()
