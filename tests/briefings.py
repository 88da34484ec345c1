"""A hand-made briefing for renderer tests: every block kind, CJK text, long reasons and a long table.

Built here rather than from the builder so a renderer's tests say exactly what it was given. The builder's
own tests (and the test that compares all renderings for the sample) use the real briefing.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go

from briefing import blocks as B
from housing.statuses import AT_RISK, DONE, ON_TRACK, OVERDUE

LONG_REASON = (
    "已逾期：计划交付日期2021年3月31日已过去31天，主体施工尚未完成；配套道路、供暖管网和学校用地的手续仍在办理中，"
    "街道办事处反映部分安置户对户型分配方案有异议，需要区住建局、自然资源局和属地街道共同协调解决"
)
PROJECTS = [(f"埠村街道安置区{i:02d}号地块", "章丘区", 100 + i * 37, 12_345.6 * (i + 1)) for i in range(30)]


def _chart() -> B.Chart:
    fig = go.Figure(go.Bar(x=[3120, 980, 455], y=["章丘区", "历城区", "长清区"], orientation="h"))
    fig.update_layout(title="各区县安置户数")
    return B.Chart("households", fig.to_dict(), "各区县安置户数：章丘区 3,120 户，历城区 980 户，长清区 455 户")


def _reason(i: int) -> str:
    return LONG_REASON if i % 3 == 0 else "计划交付日期前30天内尚未完成竣工验收"


def _table(key: str, rows: list[tuple[str, str, int, float]], status: str) -> B.Table:
    columns = (
        B.Column("name", "项目名称"),
        B.Column("district", "区县"),
        B.Column("households", "安置户数（户）", B.COUNT),
        B.Column("area", "建筑面积（万㎡）", B.WAN_M2),
        B.Column("deadline", "计划交付日期", B.DATE),
        B.Column("reasons", "原因"),
    )
    body = tuple(
        (
            B.Cell(name, name),
            B.Cell(district, district),
            B.Cell(households, f"{households:,}"),
            B.Cell(area, f"{area / 10_000:,.2f}"),
            B.Cell(dt.date(2021, 6, 30), "2021年6月30日"),
            B.Cell(_reason(i), _reason(i)),
        )
        for i, (name, district, households, area) in enumerate(rows)
    )
    return B.Table(key, columns, body, tuple(status for _ in body))


def sample_briefing() -> B.Briefing:
    """A Chinese briefing with every block kind: 1 title, 1 headline, 2 red projects, 30 yellow rows, a chart."""
    footer = "济南市章丘区 · 截至2021年5月1日 · 第 12 版"
    title = B.Section(
        "title",
        "安置房交付调度会",
        (
            B.Slide(
                "title", "章丘区安置房交付调度会", (B.Note("截至2021年5月1日 · 第 12 版 · 2021年4月30日 16:05 上传"),)
            ),
        ),
    )
    heads = B.Headlines(
        (
            B.Headline("households", "安置户数", "7,253", "户", "年度目标 9,000 户，已完成 80.6%"),
            B.Headline("handed_over", "已交付", "5,120", "户", "", DONE),
            B.Headline("area", "建筑面积", "264.83", "万㎡"),
            B.Headline("overdue", "已逾期", "2", "个", "", OVERDUE),
        )
    )
    headline = B.Section(B.HEADLINE, "总体情况", (B.Slide("headline", "总体情况", (heads,)),))
    red = B.Section(
        B.RED,
        "逾期项目",
        tuple(
            B.Slide(
                f"red_{i}",
                name,
                (
                    B.Facts(
                        (
                            ("区县", district),
                            ("安置户数", f"{hh:,} 户"),
                            ("建筑面积", f"{area / 10_000:,.2f} 万㎡"),
                            ("计划交付日期", "2021年3月31日"),
                            ("推迟", "31天"),
                            ("责任单位", "区住建局"),
                        )
                    ),
                    B.Reasons((LONG_REASON, "计划交付日期前30天内尚未完成竣工验收")),
                ),
                subtitle=district,
                status=OVERDUE,
                notes=LONG_REASON,
            )
            for i, (name, district, hh, area) in enumerate(PROJECTS[:2])
        ),
    )
    yellow = B.Section(
        B.YELLOW, "有风险的项目", (B.Slide("yellow", "有风险的项目", (_table("yellow", PROJECTS, AT_RISK),)),)
    )
    charts = B.Section(
        B.DISTRICTS,
        "各区县安置户数",
        (B.Slide("districts", "各区县安置户数", (_chart(), B.Note("数据来自第 12 版。"))),),
    )
    done = B.Section(
        B.TIMELINE, "按期推进", (B.Slide("timeline", "按期推进", (_table("on_track", PROJECTS[:3], ON_TRACK),)),)
    )
    return B.Briefing(
        "zh",
        dt.date(2021, 5, 1),
        "济南市章丘区",
        "章丘区安置房交付调度会",
        "第 12 版 · 2021年4月30日 16:05 上传",
        footer,
        ("章丘区",),
        (title, headline, red, yellow, charts, done),
    )


# --- for the deck and PDF renderers: the same briefing in English, and edge cases -----------------------

LONG_REASON_EN = (
    "Overdue: the planned handover date 2021-03-31 passed 31 days ago and the main structure is not finished; "
    "permits for the access road, the heating network and the school plot are still being processed, and the "
    "sub-district office reports that some households dispute the flat allocation plan, which the district "
    "housing bureau, the natural resources bureau and the sub-district must settle together"
)
PROJECTS_EN = [
    (f"Bucun resettlement area, plot {i:02d}", "Zhangqiu", 100 + i * 37, 12_345.6 * (i + 1)) for i in range(30)
]


def _reason_en(i: int) -> str:
    return LONG_REASON_EN if i % 3 == 0 else "Acceptance not completed within 30 days of the planned handover date"


def _table_en(key: str, rows: list[tuple[str, str, int, float]], status: str) -> B.Table:
    columns = (
        B.Column("name", "Project"),
        B.Column("district", "District"),
        B.Column("households", "Households", B.COUNT),
        B.Column("area", "Floor area (10k m²)", B.WAN_M2),
        B.Column("deadline", "Planned handover", B.DATE),
        B.Column("reasons", "Reasons"),
    )
    body = tuple(
        (
            B.Cell(name, name),
            B.Cell(district, district),
            B.Cell(households, f"{households:,}"),
            B.Cell(area, f"{area / 10_000:,.2f}"),
            B.Cell(dt.date(2021, 6, 30), "2021-06-30"),
            B.Cell(_reason_en(i), _reason_en(i)),
        )
        for i, (name, district, households, area) in enumerate(rows)
    )
    return B.Table(key, columns, body, tuple(status for _ in body))


def _red_slide_en(i: int, name: str, district: str, hh: int, area: float) -> B.Slide:
    facts = (
        ("District", district),
        ("Households", f"{hh:,}"),
        ("Floor area", f"{area / 10_000:,.2f} 10k m²"),
        ("Planned handover", "2021-03-31"),
        ("Slip", "31 days"),
        ("Responsible unit", "District housing bureau"),
    )
    reasons = (LONG_REASON_EN, "Acceptance not completed within 30 days of the planned handover date")
    return B.Slide(
        f"red_{i}", name, (B.Facts(facts), B.Reasons(reasons)), subtitle=district, status=OVERDUE, notes=LONG_REASON_EN
    )


def sample_briefing_en() -> B.Briefing:
    """The English twin of ``sample_briefing``: the same slides, blocks and figures in English."""
    footer = "Zhangqiu District, Jinan · as of 2021-05-01 · version 12"
    title = B.Section(
        "title",
        "Resettlement housing meeting",
        (B.Slide("title", "Zhangqiu resettlement housing meeting", (B.Note("As of 2021-05-01 · version 12"),)),),
    )
    heads = B.Headlines(
        (
            B.Headline("households", "Households", "7,253", "households", "Target for the year 9,000, 80.6% done"),
            B.Headline("handed_over", "Handed over", "5,120", "households", "", DONE),
            B.Headline("area", "Floor area", "264.83", "10k m²"),
            B.Headline("overdue", "Overdue", "2", "projects", "", OVERDUE),
        )
    )
    red = tuple(_red_slide_en(i, *project) for i, project in enumerate(PROJECTS_EN[:2]))
    fig = go.Figure(go.Bar(x=[3120, 980, 455], y=["Zhangqiu", "Licheng", "Changqing"], orientation="h"))
    chart = B.Chart("households", fig.to_dict(), "Households per district: Zhangqiu 3,120, Licheng 980, Changqing 455")
    sections = (
        title,
        B.Section(B.HEADLINE, "Headline figures", (B.Slide("headline", "Headline figures", (heads,)),)),
        B.Section(B.RED, "Overdue projects", red),
        B.Section(
            B.YELLOW,
            "Projects at risk",
            (B.Slide("yellow", "Projects at risk", (_table_en("yellow", PROJECTS_EN, AT_RISK),)),),
        ),
        B.Section(B.DISTRICTS, "Households per district", (B.Slide("districts", "Households per district", (chart,)),)),
    )
    return B.Briefing(
        "en", dt.date(2021, 5, 1), "Zhangqiu District, Jinan", "Zhangqiu meeting", "version 12", footer, (), sections
    )


VERY_LONG_NAME = (
    "章丘区埠村街道办事处辖区内棚户区改造及城中村拆迁安置房建设项目（一期、二期、三期）东区第十七号地块" * 2
)


def edge_briefing(lang: str = "zh") -> B.Briefing:
    """No red project, an empty table (its ``empty`` sentence), a very long project name in a table and as a
    slide title, a warning note, and no chart (so no browser is started)."""
    columns = (B.Column("name", "项目名称" if lang == "zh" else "Project"), B.Column("households", "户数", B.COUNT))
    empty = B.Table("red", columns, (), (), "没有逾期项目。" if lang == "zh" else "No project is overdue.")
    long_row = ((B.Cell(VERY_LONG_NAME, VERY_LONG_NAME), B.Cell(12, "12")),)
    slides = (
        B.Slide("red", "逾期项目" if lang == "zh" else "Overdue projects", (empty,)),
        B.Slide(
            "yellow",
            VERY_LONG_NAME,
            (
                B.Note("数据不完整" if lang == "zh" else "Data incomplete", "warning"),
                B.Table("yellow", columns, long_row),
            ),
            status=AT_RISK,
        ),
    )
    section = B.Section(B.RED, "逾期项目", slides)
    footer = "济南市章丘区 · 截至2021年5月1日" if lang == "zh" else "Zhangqiu · as of 2021-05-01"
    return B.Briefing(lang, dt.date(2021, 5, 1), "章丘区", "调度会", "第 1 版", footer, (), (section,))
