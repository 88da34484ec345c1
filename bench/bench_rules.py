"""Time the warning-rule engine (``housing.rules.classify``) on 100,000 projects against the old classify.

    .venv/bin/python bench/bench_rules.py                      # 100,000 projects, best of 3
    .venv/bin/python bench/bench_rules.py --projects 20000 --repeat 5

The projects are ``bench_changes.new_version`` (the loader benchmark's rows, about 5 % edited), with stage
ids matched from their 形象进度 text. The evidence: five stage dates per project (start, topped out,
acceptance, ready, handover; planned between start and deadline, about half of the past ones with an actual
date), the unedited version as the previous one (so the slipped deadlines fire), and an "unchanged since"
date per project within the last ten weeks. Every rule can fire.

Timed in this process, best of ``--repeat``: ``classify`` with all the evidence, ``classify`` without
evidence, and the baseline: the classify this engine replaced (one Python call per project, deadline and
handover only; its copy below exists only for this comparison). Exit code 0 when ``classify`` with all the
evidence takes at most ``TARGET_SECONDS``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_changes import new_version, old_version  # noqa: E402
from bench_loader import best_of  # noqa: E402

from housing.changes import project_key  # noqa: E402
from housing.fmt import as_date  # noqa: E402
from housing.rules import Evidence, classify  # noqa: E402
from housing.stages import match_stage  # noqa: E402
from loaders.table import stage_date_frame  # noqa: E402

TARGET_SECONDS = 3.0
AS_OF = dt.date(2026, 11, 21)
# Each stage's planned date as a share of the way from start to deadline.
PLAN = {"start": 0.0, "topped_out": 0.55, "acceptance": 0.9, "ready": 1.0, "handover": 1.05}


def old_classify(projects: pd.DataFrame, as_of: dt.date, due_soon_days: int = 30) -> pd.DataFrame:
    """The classify before the rules engine: ``assess`` per project (deadline and handover only)."""

    def assess(deadline, handed_over, stage):
        deadline, handed_over = as_date(deadline), as_date(handed_over)
        days = (deadline - as_of).days if deadline else None
        if handed_over and handed_over <= as_of:
            late = (handed_over - deadline).days if deadline else None
            key = "reason_done" if late is None else "reason_done_late" if late > 0 else "reason_done_on_time"
            return "done", ((key, {"date": handed_over, "days": late}),), days
        stage_reason = (("reason_stage", {"stage": stage}),) if isinstance(stage, str) and stage else ()
        if deadline is None:
            return "on_track", (("reason_no_deadline", {}),), None
        if days < 0:
            return "overdue", (("reason_overdue", {"deadline": deadline, "days": -days}),) + stage_reason, days
        if days <= due_soon_days:
            return "at_risk", (("reason_due_soon", {"deadline": deadline, "days": days}),) + stage_reason, days
        return "on_track", (("reason_on_track", {"deadline": deadline, "days": days}),), days

    out = projects.copy()
    found = [assess(d, h, s) for d, h, s in zip(out["deadline"], out["handed_over"], out["stage"], strict=True)]
    out["status"] = pd.array([f[0] for f in found], dtype="string")
    out["reasons"] = pd.Series([f[1] for f in found], index=out.index, dtype=object)
    out["days_to_deadline"] = pd.array([f[2] for f in found], dtype="Int64")
    return out


def stage_dates(projects: pd.DataFrame, seed: int = 5) -> pd.DataFrame:
    """Five planned stage dates per project, about half of the past ones done (an actual date)."""
    rng = np.random.default_rng(seed)
    start = projects["start"].fillna(projects["deadline"] - pd.Timedelta(days=900)).to_numpy("datetime64[D]")
    span = (projects["deadline"].to_numpy("datetime64[D]") - start).astype("int64")
    records = []
    today = np.datetime64(AS_OF, "D")
    for stage, share in PLAN.items():
        planned = start + (span * share).astype("int64").astype("timedelta64[D]")
        done = (planned <= today) & (rng.random(len(projects)) < 0.5)
        actual = np.where(done, planned + rng.integers(-10, 30, len(projects)).astype("timedelta64[D]"), None)
        records += zip(
            projects["name"],
            projects["district"],
            [stage] * len(projects),
            planned.tolist(),
            actual.tolist(),
            ["节点计划"] * len(projects),
            range(len(records) + 2, len(records) + 2 + len(projects)),
            strict=True,
        )
    return stage_date_frame(records)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    previous = old_version(args.projects)
    projects, _ = new_version(previous)
    projects["stage_id"] = pd.array([match_stage(s) for s in projects["stage"]], dtype="string")
    rng = np.random.default_rng(9)
    since = pd.Timestamp(AS_OF) - pd.to_timedelta(rng.integers(0, 70, len(projects)), unit="D")
    evidence = Evidence(
        stage_dates=stage_dates(projects),
        previous=previous,
        unchanged_since=pd.Series(since, index=project_key(projects)),
    )
    built = time.perf_counter() - start
    print(f"{dt.date.today()}, {platform.machine()}, Python {platform.python_version()}, pandas {version('pandas')}")
    print(
        f"{len(projects):,} projects, {len(evidence.stage_dates):,} stage dates, previous version of "
        f"{len(previous):,} (built in {built:.1f} s, not timed); as of {AS_OF}"
    )

    ours, classified = best_of(args.repeat, lambda: classify(projects, AS_OF, evidence=evidence))
    bare, _ = best_of(args.repeat, lambda: classify(projects, AS_OF))
    base, old = best_of(args.repeat, lambda: old_classify(projects, AS_OF))
    fired = pd.Series([r for rs in classified["reasons"] for r, _ in rs]).value_counts()
    print(f"classify with all evidence: {ours:.3f} s (best of {args.repeat})")
    print(f"  statuses: {classified['status'].value_counts().to_dict()}")
    print(f"  levels: {classified['level'].value_counts().to_dict()}")
    print(f"  reasons: {fired.to_dict()}")
    print(f"classify without evidence: {bare:.3f} s")
    print(f"baseline, the old per-project classify (no evidence): {base:.3f} s")
    print(f"  statuses: {old['status'].value_counts().to_dict()}")
    print(f"ratio classify with evidence / old classify: {ours / base:.2f}")
    passed = ours <= TARGET_SECONDS
    print(f"target: classify with evidence <= {TARGET_SECONDS:.1f} s: {'PASS' if passed else 'MISS'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
