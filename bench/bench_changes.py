"""Time ``housing.changes.diff_projects`` on two 100,000-project versions against a plain pandas merge.

    .venv/bin/python bench/bench_changes.py                      # 100,000 projects, best of 5
    .venv/bin/python bench/bench_changes.py --projects 20000 --repeat 3

The old version holds the rows ``make_workbook.project_row`` writes into the loader benchmark's workbook,
in the loader's canonical table; the new one changes about 5 % of them (deadline slips and moves, household
counts, new handovers, stages, a few projects removed and added) and is shuffled, as a re-sorted workbook
would be. Both runs are timed in this process, best of ``--repeat``; the baseline is
``old.merge(new, on=["district", "name"], how="outer")``, which only lines the versions up.
Exit code 0 when diff_projects takes at most ``TARGET_SECONDS``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_loader import best_of  # noqa: E402
from make_workbook import project_row  # noqa: E402

from housing.changes import changes_table, diff_projects  # noqa: E402
from loaders.table import project_frame  # noqa: E402
from loaders.values import parse_date  # noqa: E402

TARGET_SECONDS = 2.0
FIELDS = ["seq", "name", "district", "street", "households", "floor_area", "start", "deadline", "handed_over"]
FIELDS += ["stage", "progress", "unit", "notes"]


def old_version(projects: int, seed: int = 7) -> pd.DataFrame:
    """The benchmark workbook's rows as the loader's table (areas in m², text deadlines parsed)."""
    rng = random.Random(seed)
    columns = list(zip(*[project_row(i, rng) for i in range(1, projects + 1)], strict=True))
    parsed = dict(zip(FIELDS, map(list, columns), strict=True))
    parsed["floor_area"] = [round(v * 10_000, 2) for v in parsed["floor_area"]]
    parsed["deadline"] = [parse_date(v)[0] if isinstance(v, str) else v for v in parsed["deadline"]]
    parsed["notes"] = [None] * projects
    return project_frame("项目台账", list(range(3, projects + 3)), parsed)


def new_version(old: pd.DataFrame, seed: int = 11) -> tuple[pd.DataFrame, int]:
    """About 5 % of the projects edited, 0.5 % removed and as many added, rows shuffled; also the edit count."""
    rng = np.random.default_rng(seed)
    new = old.copy()
    n = len(new)
    shares = [n // 50, n // 200, n // 100, n // 100, n // 200, n // 200]  # 5 % edited, then 0.5 % removed
    slips, moves, counts, handovers, stages, gone = np.split(rng.permutation(n)[: sum(shares)], np.cumsum(shares)[:-1])
    new.loc[slips, "deadline"] += pd.Timedelta(days=30)
    new.loc[moves, "deadline"] -= pd.Timedelta(days=14)
    new.loc[counts, "households"] += 12
    handed = new.loc[handovers, "handed_over"]
    new.loc[handovers, "handed_over"] = (handed + pd.Timedelta(days=1)).fillna(new.loc[handovers, "deadline"])
    new.loc[stages, "stage"] = "外墙施工"  # not one of make_workbook.STAGES, so always a change
    added = new.loc[gone].assign(name=lambda f: "新" + f["name"])
    new = pd.concat([new.drop(index=gone), added], ignore_index=True)
    return new.sample(frac=1, random_state=seed).reset_index(drop=True), sum(shares) - len(gone)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    start = time.perf_counter()
    old = old_version(args.projects)
    new, edited = new_version(old)
    built = time.perf_counter() - start
    print(f"{dt.date.today()}, {platform.machine()}, Python {platform.python_version()}, pandas {version('pandas')}")
    print(f"versions: {len(old):,} and {len(new):,} projects, {edited:,} edited (built in {built:.1f} s, not timed)")

    ours, changes = best_of(args.repeat, lambda: diff_projects(old, new))
    base, merged = best_of(args.repeat, lambda: old.merge(new, on=["district", "name"], how="outer"))
    ok_count = changes.changed_projects == edited and len(changes.added) == len(changes.removed)
    print(f"diff_projects: {ours:.3f} s (best of {args.repeat})")
    found = f"{changes.changed_projects:,} changed projects ({len(changes.changed):,} field changes)"
    found += f", {len(changes.added):,} added, {len(changes.removed):,} removed"
    print(f"  {found} [{'as built' if ok_count else 'NOT as built'}]")
    print(f"baseline old.merge(new, on=[district, name], how=outer): {base:.3f} s ({len(merged):,} rows)")
    print(f"ratio diff_projects / merge: {ours / base:.2f}")
    shown, _ = best_of(args.repeat, lambda: changes_table(changes, "zh"))
    print(f"changes_table (zh, {len(changes.changed):,} rows, not part of the target): {shown:.3f} s")
    passed = ours <= TARGET_SECONDS
    print(f"target: diff_projects <= {TARGET_SECONDS:.1f} s: {'PASS' if passed else 'MISS'}")
    return 0 if passed and ok_count else 1


if __name__ == "__main__":
    sys.exit(main())
