"""What netdoctor costs on the user's own training, and how fast it answers, side by side in one run.

(1) ``netdoctor check bench/fit_script.py -- KIND STEPS`` against ``python bench/fit_script.py
    KIND STEPS`` for a 0.1M-parameter MLP, a 1M-parameter CNN and an 8M-parameter MLP: wall time,
    CPU time (user + system of the whole process tree) and peak memory (the largest sum of the
    resident sets of the process and all its descendants, sampled every 20 ms);
(2) time to a verdict: ``netdoctor check examples/zero_init.py`` against ``python -c "import
    tensorflow"``;
(3) the saved recording's size and the peak memory as the run grows (``examples/fixed.py`` in model
    mode for 1,000, 10,000 and 100,000 steps; in (1), as the model grows): they must follow
    layers x sampled steps, never parameters x steps;
(4) the commands that train nothing: ``--help``, ``rules``, ``rule ND101``, ``judge``.

    python bench/scripts.py [--steps 300] [--repeats 3] [--growth 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NETDOCTOR = [sys.executable, "-m", "netdoctor"]
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Cost:
    wall: float
    cpu: float
    peak_mib: float


def _tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except OSError:
            pass
        todo += children.get(pid, [])
    return total


def measure(command: list[str]) -> Cost:
    """Wall and CPU seconds and peak memory of ``command`` and all it starts."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, "CI": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Cost(wall, cpu, peak / 2**20)


def median_cost(command: list[str], repeats: int) -> Cost:
    costs = [measure(command) for _ in range(repeats)]
    return Cost(*(statistics.median(getattr(c, name) for c in costs) for name in ("wall", "cpu", "peak_mib")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--growth", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")

    print(f"(1) a fit script, {args.steps} steps of 50, median of {args.repeats} (wall s, CPU s, peak MiB):")
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("mlp", "cnn", "wide"):
            script = ["bench/fit_script.py", kind, str(args.steps)]
            saved = Path(folder) / f"{kind}.jsonl"
            plain = median_cost([sys.executable, *script], args.repeats)
            check = median_cost(
                [
                    *NETDOCTOR,
                    "check",
                    script[0],
                    "-f",
                    "json",
                    "--save-recording",
                    str(saved),
                    "--",
                    *script[1:],
                ],
                args.repeats,
            )
            print(
                f"    {kind:5} plain {plain.wall:6.2f} {plain.cpu:6.2f} {plain.peak_mib:6.0f}"
                f"   check {check.wall:6.2f} {check.cpu:6.2f} {check.peak_mib:6.0f}"
                f"   ratios {check.wall / plain.wall:.3f} {check.cpu / plain.cpu:.3f}"
                f" {check.peak_mib / plain.peak_mib:.3f}   recording {saved.stat().st_size / 2**10:.0f} KiB"
            )

    tensorflow = median_cost([sys.executable, "-c", "import tensorflow"], args.repeats)
    verdict = median_cost([*NETDOCTOR, "check", "examples/zero_init.py", "-f", "json"], args.repeats)
    print(f"(2) time to a verdict, median of {args.repeats}:")
    print(f"    python -c 'import tensorflow'            {tensorflow.wall:.2f} s")
    print(f"    netdoctor check examples/zero_init.py    {verdict.wall:.2f} s")
    print(f"    ratio                                    {verdict.wall / tensorflow.wall:.3f}")

    print("(3) the recording as the run grows (examples/fixed.py in model mode):")
    with tempfile.TemporaryDirectory() as folder:
        for steps in args.growth:
            saved = Path(folder) / f"run-{steps}.jsonl"
            cost = measure([*NETDOCTOR, "check", "examples/fixed.py", "--steps", str(steps), "-f", "json",
                            "--save-recording", str(saved)])  # fmt: skip
            print(f"    {steps:>6,} steps: recording {saved.stat().st_size / 2**10:7.0f} KiB, "
                  f"peak {cost.peak_mib:5.0f} MiB, {cost.wall:6.1f} s")  # fmt: skip
        recording = Path(folder) / f"run-{args.growth[0]}.jsonl"

        print(f"(4) commands that train nothing, median of {args.repeats}:")
        for command in (["--help"], ["rules"], ["rule", "ND101"], ["judge", str(recording), "-f", "json"]):
            cost = median_cost([*NETDOCTOR, *command], args.repeats)
            print(
                f"    netdoctor {' '.join(command[:2]) if command[0] != 'judge' else 'judge RECORDING':20} {cost.wall:.2f} s"
            )


if __name__ == "__main__":
    main()
