"""Time matching 12345 tickets to projects (``housing.hotline.match_tickets``), the rates and the surge counts.

    .venv/bin/python bench/bench_hotline.py                     # 100,000 projects; 5,000 and 50,000 tickets
    .venv/bin/python bench/bench_hotline.py --projects 20000 --tickets 2000

Made-up project names (4–9 characters from a small set, so many names share parts) in 30 districts and 300
streets; each ticket's text names one project inside a longer sentence. Prints the seconds of each step and
how many tickets were matched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from housing import hotline as H  # noqa: E402

CHARS = "东西南北中华安居乐业幸福和谐新城花园家园小区片区回迁房一二三期苑里村庄"


def projects(count: int, pick: random.Random) -> pd.DataFrame:
    """``count`` projects with distinct made-up names."""
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(pick.choice(CHARS) for _ in range(pick.randint(4, 9))))
    listed = sorted(names)
    return pd.DataFrame(
        {
            "district": [f"区{i % 30}" for i in range(count)],
            "name": listed,
            "street": [f"街道{i % 300}" for i in range(count)],
        }
    )


def tickets(count: int, names: list[str], pick: random.Random) -> pd.DataFrame:
    """``count`` tickets, each naming one of ``names`` in a sentence."""
    frame = pd.DataFrame(
        {
            "ticket_no": [f"T{i}" for i in range(count)],
            "received": pd.Timestamp("2026-11-20"),
            "text": [
                f"反映{pick.choice(names)}小区漏水问题，要求尽快维修处理，来电人称已多次反映" for _ in range(count)
            ],
            "district": None,
            "replied": True,
            "replied_at": pd.NaT,
            "satisfaction": H.SATISFIED,
            "sheet": "s",
            "row": 1,
        }
    )
    return frame.astype(H.TICKET_DTYPES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, nargs="+", default=[5_000, 50_000])
    args = parser.parse_args()
    pick = random.Random(1)
    table = projects(args.projects, pick)
    for count in args.tickets:
        frame = tickets(count, table["name"].tolist(), pick)
        start = time.perf_counter()
        found = H.match_tickets(frame, table)
        matched = time.perf_counter()
        full = pd.concat([frame, found], axis=1)
        H.rates(full, H.WEEK, ("project_district", "project_name"))
        H.surge_counts(full, dt.date(2026, 11, 21))
        done = time.perf_counter()
        print(
            f"{count:,} tickets × {len(table):,} projects: match {matched - start:.2f} s "
            f"({int(found['project_name'].notna().sum()):,} matched); rates + surge counts {done - matched:.2f} s"
        )


if __name__ == "__main__":
    main()
