"""Write a large, realistic project workbook for benchmarks (title rows, 序号, mixed dates, totals)."""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from data.build_samples import ZHANGQIU_HEADER  # noqa: E402

HEADER = ZHANGQIU_HEADER  # the same header a real district workbook has
DISTRICTS = ["历城区", "章丘区", "历下区", "槐荫区", "天桥区", "济阳区", "长清区", "莱芜区"]
STAGES = ["主体施工", "主体封顶", "正在进行配套工程", "联合验收完成", "具备交付条件", "已交房入住"]


def project_row(i: int, rng: random.Random) -> list:
    """One plausible project row; about one in twenty dates is typed as text."""
    start = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(1500))
    deadline = start + dt.timedelta(days=rng.randrange(500, 1200))
    handed = deadline + dt.timedelta(days=rng.randrange(-60, 60)) if rng.random() < 0.3 else None
    due = f"{deadline.year}年{deadline.month}月{deadline.day}日前" if i % 20 == 0 else deadline
    households = rng.randrange(80, 2600)
    return [
        i,
        f"项目{i:06d}",
        rng.choice(DISTRICTS),
        f"街道{rng.randrange(40)}",
        households,
        round(households * rng.uniform(0.011, 0.014), 2),
        start,
        due,
        handed,
        rng.choice(STAGES),
        rng.randrange(101),
        "区房屋征收服务中心",
        "",
    ]


def write_workbook(path: Path, projects: int, seed: int = 7) -> Path:
    """Write ``projects`` rows under two title rows; returns the path."""
    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目台账")
    ws.append(["安置房项目进度台账（基准测试数据）"])
    ws.append(["截至2026年11月20日"])
    ws.append(HEADER)
    for i in range(1, projects + 1):
        ws.append(project_row(i, rng))
    wb.save(path)
    return path


if __name__ == "__main__":
    write_workbook(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
