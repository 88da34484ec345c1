"""Random registers for equivalence tests: a project table in the loader's types with every kind of gap, and
the evidence that makes every rule fire (stage dates, a previous version with other deadlines, quiet rows)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from housing.changes import project_key
from housing.rules import Evidence
from housing.stages import STAGE_IDS
from loaders.load import empty_projects

AS_OF = dt.date(2026, 11, 21)
DISTRICTS = ["历城区", "章丘区", "历下区", "槐荫区", None]
STAGE_TEXTS = ["主体施工", "主体封顶", "正在进行配套工程", "联合验收完成", "已交房入住", None, "A&B = 50% #1"]


def _days(rng: np.random.Generator, n: int, low: int, high: int, missing: float) -> list:
    """``n`` dates around ``AS_OF`` (``missing``: the share left blank)."""
    offsets = rng.integers(low, high, n)
    return [None if rng.random() < missing else pd.Timestamp(AS_OF + dt.timedelta(days=int(d))) for d in offsets]


def random_register(seed: int, n: int = 120) -> tuple[pd.DataFrame, Evidence]:
    """``n`` projects (names repeat across districts, some fields blank) and evidence for every rule."""
    rng = np.random.default_rng(seed)
    template = empty_projects()
    start = _days(rng, n, -1500, 30, 0.2)
    deadline = [None if rng.random() < 0.1 else (s or pd.Timestamp(AS_OF)) + pd.Timedelta(days=int(d))
                for s, d in zip(start, rng.integers(-200, 1200, n), strict=True)]  # fmt: skip
    rows = {
        "name": [f"项目{i % (n // 2 + 1)}" for i in range(n)],
        "district": [DISTRICTS[i] for i in rng.integers(0, len(DISTRICTS), n)],
        "street": [None if rng.random() < 0.3 else f"街道{k}" for k in rng.integers(0, 6, n)],
        "households": [None if rng.random() < 0.05 else int(h) for h in rng.integers(1, 3000, n)],
        "floor_area_m2": [None if rng.random() < 0.1 else float(a) for a in rng.uniform(100, 90_000, n).round(2)],
        "start": start,
        "deadline": deadline,
        "handed_over": _days(rng, n, -90, 60, 0.7),
        "stage": [STAGE_TEXTS[i] for i in rng.integers(0, len(STAGE_TEXTS), n)],
        "stage_id": [None if rng.random() < 0.2 else str(rng.choice(STAGE_IDS)) for _ in range(n)],
        "progress": [None if rng.random() < 0.4 else float(p) for p in rng.integers(0, 101, n)],
        "unit": [None if rng.random() < 0.2 else f"单位{k}" for k in rng.integers(0, 4, n)],
        "row": list(range(4, n + 4)),
    }
    frame = pd.DataFrame({c: rows.get(c, [None] * n) for c in template.columns}).astype(template.dtypes.to_dict())
    previous = frame.copy()
    moved = rng.random(n) < 0.3
    previous.loc[moved, "deadline"] = previous.loc[moved, "deadline"] - pd.Timedelta(days=45)
    stages = pd.DataFrame(
        {
            "name": frame["name"].repeat(2).to_numpy(),
            "district": frame["district"].repeat(2).to_numpy(),
            "stage_id": [str(rng.choice(STAGE_IDS)) for _ in range(2 * n)],
            "planned": _days(rng, 2 * n, -120, 60, 0.1),
            "actual": _days(rng, 2 * n, -60, 10, 0.7),
        }
    ).astype({"name": "string", "district": "string", "stage_id": "string"})
    stages[["planned", "actual"]] = stages[["planned", "actual"]].astype("datetime64[ns]")
    quiet = pd.Series(
        [pd.Timestamp(AS_OF) - pd.Timedelta(days=int(d)) for d in rng.integers(0, 90, n)],
        index=pd.Index(project_key(frame).to_numpy(object)),
    )
    return frame, Evidence(stage_dates=stages, previous=previous, unchanged_since=quiet)
