"""Time ``python -m loaders summary FILE --json`` against a process that only runs ``pandas.read_excel`` (calamine).

    .venv/bin/python bench/bench_summary.py                      # 10,000 and 100,000 projects, 5 rounds each
    .venv/bin/python bench/bench_summary.py --projects 100000 --repeat 7

Both are whole processes (interpreter start, imports, the sandbox worker, the JSON written), run on the same
workbook (bench/make_workbook.py), interleaved round by round so that a busy machine slows both alike; the
median of each is compared. Target: summary / calamine at most 1.5. See bench/README.md.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from make_workbook import write_workbook  # noqa: E402

TARGET = 1.5
AS_OF = "2026-11-20"


def commands(path: Path, baseline: Path | None = None) -> dict[str, tuple[list[str], Path]]:
    """The processes compared, by name, with the directory each runs in; ``baseline``: another checkout whose
    summary runs too (the code before a change, measured in the same rounds)."""
    summary = [sys.executable, "-m", "loaders", "summary", str(path), "--json", "--as-of", AS_OF]
    calamine = [sys.executable, "-c", f"import pandas; pandas.read_excel({str(path)!r}, engine='calamine')"]
    named = {"summary": (summary, ROOT), "calamine": (calamine, ROOT)}
    return named | ({"baseline": (summary, baseline)} if baseline else {})


def wall(command: list[str], cwd: Path) -> tuple[float, float]:
    """Seconds the process takes, start to exit, and the CPU seconds (user + system) it and its children used;
    its output is discarded (exit code 0 or 1 expected)."""
    start, used = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds, cpu = time.perf_counter() - start, _children_cpu() - used
    if done.returncode not in (0, 1):
        sys.exit(f"{command[:3]} failed (exit {done.returncode}):\n{done.stderr.decode()[-2000:]}")
    return seconds, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # every child waited for, and theirs
    return usage.ru_utime + usage.ru_stime


def measure(path: Path, repeat: int, baseline: Path | None = None) -> dict[str, list[tuple[float, float]]]:
    """``repeat`` rounds, each running every process (their order alternating): (wall, CPU) of each run."""
    named = list(commands(path, baseline).items())
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in named}
    for round_ in range(repeat):
        for name, (command, cwd) in named if round_ % 2 == 0 else reversed(named):
            runs[name].append(wall(command, cwd))
    return runs


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The median wall and the median CPU seconds of some runs."""
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds per size (default 5)")
    parser.add_argument("--baseline", type=Path, help="another checkout (e.g. main) whose summary runs in the rounds")
    args = parser.parse_args(argv)
    print(f"machine   {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load      {os.getloadavg()[0]:.1f} (1-minute average at the start)")
    print(f"{'projects':>9}{'summary s':>11}{'calamine s':>12}{'ratio':>8}{'CPU s':>15}{'CPU ratio':>11}   verdict")
    passed = True
    with tempfile.TemporaryDirectory(prefix="bench_summary_") as tmp:
        for projects in args.projects:
            path = write_workbook(Path(tmp) / f"bench_{projects}.xlsx", projects)
            runs = measure(path, args.repeat, args.baseline)
            (ours, our_cpu), (theirs, their_cpu) = medians(runs["summary"]), medians(runs["calamine"])
            ratio = ours / theirs
            passed = passed and ratio <= TARGET
            verdict = "PASS" if ratio <= TARGET else "MISS"
            cpu = f"{our_cpu:.2f}/{their_cpu:.2f}"
            print(
                f"{projects:>9,}{ours:>11.2f}{theirs:>12.2f}{ratio:>8.2f}{cpu:>15}{our_cpu / their_cpu:>11.2f}"
                f"   {verdict} (wall, median of {args.repeat}; target <= {TARGET})"
            )
            if args.baseline:
                before, before_cpu = medians(runs["baseline"])
                print(
                    f"{'':>9}{before:>11.2f}{'':>12}{before / theirs:>8.2f}{before_cpu:>15.2f}"
                    f"{before_cpu / their_cpu:>11.2f}   baseline ({args.baseline})"
                )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
