"""A made-up 12345 hotline export about the bundled portfolio sample, for page tests and screenshots: four months
of calls (August and October every call replied and satisfied: 双百), a surge on one project in the week to
2026-11-21, and a few tickets that name no project or two."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd

from housing import hotline as H

AS_OF = dt.date(2026, 11, 21)
SURGING = ("历城区", "芦南片区回迁房一期")
TOPICS = ("咨询{name}交房时间", "{street}{name}施工噪音扰民", "{name}回迁安置补偿款发放进度", "反映{name}小区道路积水")


def sample_tickets(projects: pd.DataFrame, seed: int = 13) -> pd.DataFrame:
    """Tickets in the declared types (``housing.hotline.TICKET_DTYPES``) about ``projects``."""
    pick = random.Random(seed)
    rows: list[dict] = []
    pairs = projects[["district", "name", "street"]].drop_duplicates(subset=["district", "name"])
    pairs = pairs.groupby("district", sort=False).head(3)  # three projects of every district

    def add(day: dt.date, text: str, district: str | None, perfect: bool) -> None:
        replied = perfect or pick.random() < 0.9
        grade = H.SATISFIED if perfect else pick.choice([H.SATISFIED, H.SATISFIED, H.BASIC, H.UNSATISFIED, None])
        received = dt.datetime.combine(day, dt.time(9 + len(rows) % 8, 15))
        rows.append(
            {
                "ticket_no": f"SD2026{len(rows) + 1:06d}",
                "received": received,
                "text": text,
                "district": district,
                "replied": replied,
                "replied_at": received + dt.timedelta(days=1) if replied else None,
                "satisfaction": grade if replied else None,
                "sheet": "工单",
                "row": len(rows) + 2,
            }
        )

    for month in (8, 9, 10, 11):
        for district, name, street in pairs.itertuples(index=False, name=None):
            for _ in range(pick.randint(0, 2)):
                day = dt.date(2026, month, pick.randint(1, 20 if month == 11 else 28))
                text = pick.choice(TOPICS).format(name=name, street=street or "")
                add(day, text, district, perfect=month in (8, 10))
    for i in range(9):  # the surge: 9 calls in the last week about one project
        add(AS_OF - dt.timedelta(days=i % 6), f"{SURGING[1]}{i + 1}号楼漏水，要求维修", SURGING[0], perfect=False)
    for text, district in (
        ("咨询公积金贷款政策", None),
        ("反映港沟街道路灯不亮", "历城区"),
        ("回迁房什么时候分房", None),
    ):
        add(dt.date(2026, 11, 18), text, district, perfect=False)
    return pd.DataFrame(rows, columns=list(H.TICKET_DTYPES)).astype(H.TICKET_DTYPES)


def sample_csv(projects: pd.DataFrame, encoding: str = "gbk") -> bytes:
    """The same tickets as the hotline system's CSV export writes them (Chinese headers, 是/否, 满意 …)."""
    frame = sample_tickets(projects)
    words = {H.SATISFIED: "满意", H.BASIC: "基本满意", H.UNSATISFIED: "不满意"}
    out = pd.DataFrame(
        {
            "工单编号": frame["ticket_no"],
            "受理时间": frame["received"].dt.strftime("%Y-%m-%d %H:%M"),
            "诉求内容": frame["text"],
            "区县": frame["district"].fillna(""),
            "是否回复": frame["replied"].map({True: "是", False: "否"}),
            "回复时间": frame["replied_at"].dt.strftime("%Y-%m-%d %H:%M").fillna(""),
            "满意度": frame["satisfaction"].map(words).fillna(""),
        }
    )
    return out.to_csv(index=False).encode(encoding)
