"""briefing.build: the meeting briefing for the bundled samples and published versions, at several dates."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst
from registers import AS_OF as REGISTER_AS_OF
from registers import random_register

from briefing import blocks as B
from briefing import build
from briefing.build import (
    TIMELINE_ROWS,
    BriefingData,
    build_briefing,
    districts_block,
    districts_chart,
    headline_block,
    risk_block,
    status_text,
    timeline_parts,
    week_block,
    week_tables,
    weekly_between,
)
from briefing.source import load_data, version_data
from housing import status as status_module
from housing.datasets import DATA_DIR
from housing.fmt import fmt_int, fmt_list, fmt_wan
from housing.rollup import kpis
from housing.rules import Evidence
from housing.status import AT_RISK, OVERDUE, classify, render, urgent_first
from loaders import load_workbook
from store import versions as V

PORTFOLIO, ZHANGQIU = "sample_portfolio.xlsx", "sample_zhangqiu_2021.xlsx"
# (workbook, as-of date, the overview's headline figures there: projects, households, 万㎡, overdue, at risk)
CASES = [
    (
        PORTFOLIO,
        "2026-11-21",
        {"projects": "56个", "households": "67,650", "area": "959.95", "overdue": "7", "at_risk": "26"},
    ),
    (
        ZHANGQIU,
        "2021-05-01",
        {"projects": "8个", "households": "7,253", "area": "264.83", "overdue": "5", "at_risk": "1"},
    ),
    (ZHANGQIU, "2021-03-01", {"projects": "8个", "households": "7,253", "area": "264.83"}),
    (PORTFOLIO, "2024-06-30", {"projects": "56个", "households": "67,650", "area": "959.95"}),
]
CJK = re.compile(r"[\u4e00-\u9fff]")


@functools.cache
def data_for(file: str, as_of: str) -> BriefingData:
    return load_data(str(DATA_DIR / file), dt.date.fromisoformat(as_of))


@functools.cache
def briefing(file: str, as_of: str, lang: str, districts=(), sections=B.SECTIONS) -> B.Briefing:
    return build_briefing(data_for(file, as_of), lang, districts, sections)


def section(b: B.Briefing, key: str) -> B.Section:
    return next(s for s in b.sections if s.key == key)


def headlines(b: B.Briefing) -> dict[str, str]:
    block = section(b, B.HEADLINE).slides[0].blocks[0]
    assert isinstance(block, B.Headlines)
    return {h.key: h.value for h in block.items}


def blocks_of(slides, kind) -> list:
    return [block for slide in slides for block in slide.blocks if isinstance(block, kind)]


@pytest.mark.parametrize(("file", "as_of", "expected"), CASES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headline_figures_are_the_overviews(file, as_of, expected, lang):
    data, b = data_for(file, as_of), briefing(file, as_of, lang)
    k = kpis(data.projects, data.as_of, data.target_projects)
    shown = headlines(b)
    assert shown["households"] == fmt_int(k.households) and shown["area"] == fmt_wan(k.floor_area_m2)
    assert shown["overdue"] == fmt_int(k.overdue) and shown["at_risk"] == fmt_int(k.at_risk)
    if lang == "zh":
        assert {key: shown[key] for key in expected} == expected


def test_the_published_target_is_the_year_headline():
    assert headlines(briefing(ZHANGQIU, "2021-05-01", "zh"))["year"] == "0 / 15个"  # 15 projects in 2021


@pytest.mark.parametrize(("file", "as_of", "expected"), CASES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_slide_per_red_project_with_every_reason_in_full(file, as_of, expected, lang):
    data, b = data_for(file, as_of), briefing(file, as_of, lang)
    red = urgent_first(data.projects)
    red = red[red["status"] == OVERDUE]
    slides = section(b, B.RED).slides
    if red.empty:
        assert [s.key for s in slides] == ["red-none"] and isinstance(slides[0].blocks[0], B.Note)
        return
    assert [s.title for s in slides] == red["name"].tolist()
    assert all(s.status == OVERDUE for s in slides)
    for slide, (_, project) in zip(slides, red.iterrows()):
        reasons = blocks_of([slide], B.Reasons)[0].items
        assert reasons == tuple(render(r, lang) for r in project["reasons"]) and reasons
        assert all(r in slide.notes for r in reasons)  # speaker notes carry them too
        assert not any(r.endswith(("…", "...")) for r in reasons)
        facts = dict(blocks_of([slide], B.Facts)[0].items)
        assert fmt_int(project["households"]) in facts.values()
        assert any(isinstance(x, B.Chart | B.Note) for x in slide.blocks)  # stage timeline, or why there is none


@pytest.mark.parametrize(("file", "as_of", "expected"), CASES)
def test_yellow_table_rows_are_the_at_risk_projects(file, as_of, expected):
    data, b = data_for(file, as_of), briefing(file, as_of, "zh")
    at_risk = urgent_first(data.projects)
    at_risk = at_risk[at_risk["status"] == AT_RISK]
    tables = blocks_of(section(b, B.YELLOW).slides, B.Table)
    if at_risk.empty:
        assert not tables and blocks_of(section(b, B.YELLOW).slides, B.Note)
        return
    (table,) = tables
    names = [row[[c.key for c in table.columns].index("name")].text for row in table.rows]
    assert names == at_risk["name"].tolist()
    assert set(table.statuses) == {AT_RISK}
    reasons = [row[[c.key for c in table.columns].index("reasons")].text for row in table.rows]
    for text, (_, project) in zip(reasons, at_risk.iterrows()):
        assert all(render(r, "zh") in text for r in project["reasons"] if r[0] != "reason_stage")


def test_the_sequence_and_the_title():
    b = briefing(ZHANGQIU, "2021-05-01", "zh")
    assert [s.key for s in b.sections] == ["title", *B.SECTIONS]
    assert b.title == "章丘区安置房交付调度会" and b.region == "章丘区"
    assert "2021年5月1日" in b.footer and "sample_zhangqiu_2021.xlsx" in b.version
    assert isinstance(section(b, B.TIMELINE).slides[0].blocks[0], B.Chart)
    districts = blocks_of(section(b, B.DISTRICTS).slides, B.Table)[0]
    assert sum(row[2].value for row in districts.rows) == 7253  # households per district add up


def test_english_briefing_has_english_chrome():
    b = briefing(PORTFOLIO, "2026-11-21", "en")
    assert b.title == "Jinan: resettlement housing progress meeting"
    assert [s.title for s in b.sections[1:]] == [
        "Overall",
        "What changed this week",
        "Overdue projects",
        "At-risk projects",
        "Supervision tasks",
        "Households by district",
        "Project timeline",
    ]
    labels = [h.label for h in blocks_of(section(b, B.HEADLINE).slides, B.Headlines)[0].items]
    assert not any(CJK.search(label) for label in labels)


@pytest.mark.parametrize(
    ("districts", "region"),
    [(("章丘区",), "章丘区"), (("历城区", "章丘区"), "济南市"), (("没有这个区",), "没有这个区")],
)
def test_district_filter_narrows_every_section(districts, region):
    data, b = data_for(PORTFOLIO, "2026-11-21"), briefing(PORTFOLIO, "2026-11-21", "zh", districts)
    inside = data.projects[data.projects["district"].isin(districts)]
    assert b.region == region and b.districts == districts
    if inside.empty:
        assert all(isinstance(s.blocks[0], B.Note) for key in (B.HEADLINE, B.DISTRICTS) for s in section(b, key).slides)
        return
    assert headlines(b)["households"] == fmt_int(inside["households"].sum())
    red = {s.title for s in section(b, B.RED).slides if s.status == OVERDUE}
    assert red == set(inside.loc[inside["status"] == OVERDUE, "name"])
    table = blocks_of(section(b, B.DISTRICTS).slides, B.Table)[0]
    assert {row[0].text for row in table.rows} == set(districts)


@pytest.mark.parametrize(
    "sections", [(B.RED,), (B.TIMELINE, B.HEADLINE), (), (B.CHANGES, B.YELLOW, B.DISTRICTS)], ids=str
)
def test_section_selection_keeps_the_meetings_order(sections):
    b = briefing(ZHANGQIU, "2021-05-01", "zh", (), sections)
    assert [s.key for s in b.sections] == ["title", *(k for k in B.SECTIONS if k in sections)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_empty_cases_say_so(lang):
    b = briefing(ZHANGQIU, "2020-01-01", lang)  # nothing is due yet: no red project
    red = section(b, B.RED).slides
    assert [s.key for s in red] == ["red-none"] and isinstance(red[0].blocks[0], B.Note)
    changes = section(b, B.CHANGES).slides  # a workbook has no earlier version
    assert len(changes) == 1 and isinstance(changes[0].blocks[0], B.Note) and changes[0].blocks[0].text
    assert all(slide.blocks for slide in b.slides())  # no empty slide anywhere


def test_status_text_never_rests_on_colour_alone():
    assert status_text(OVERDUE, "zh").endswith("已逾期") and status_text(OVERDUE, "en").endswith("Overdue")


def _publish(engine, projects, stages, day: str, name: str) -> V.Version:
    at = dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)
    return V.publish(engine, projects, content=name.encode(), filename=name, uploader="测试", stage_dates=stages, at=at)


def test_published_versions_give_the_weeks_changes(engine):
    result = load_workbook(DATA_DIR / ZHANGQIU)
    first = _publish(engine, result.projects, result.stage_dates, "2021-04-20T02:00:00", "week16.xlsx")
    later = result.projects.copy()
    later.loc[later.index[0], "deadline"] = later["deadline"].iloc[0] + pd.Timedelta(days=30)  # a slip
    later = later.drop(index=later.index[-1])  # a project removed
    second = _publish(engine, later, result.stage_dates, "2021-04-30T08:05:00", "week17.xlsx")
    as_of = dt.date(2021, 5, 1)
    data = version_data(engine, V.get_version(engine, second.id), as_of)
    assert data.compare_id == first.id and data.previous is not None
    b = build_briefing(data, "zh")
    assert "第 2 版" in b.version and "2021年4月30日 16:05" in b.version  # upload time in Beijing time
    counts = {h.key: h.value for h in blocks_of(section(b, B.CHANGES).slides, B.Headlines)[0].items}
    expected = week_block(weekly_between(data.previous, data.projects, as_of), "zh")
    assert counts == {h.key: h.value for h in expected.items}
    assert counts["slips"] == "1" and counts["removed"] == "1"
    tables = {t.key: t for t in blocks_of(section(b, B.CHANGES).slides, B.Table)}
    assert tables["slips"].rows[0][4].value == 30 and len(tables["removed"].rows) == 1
    assert headlines(b) == {h.key: h.value for h in headline_block(data.projects, as_of, 0, "zh").items}


def test_a_single_published_version_has_no_week_to_compare(engine):
    result = load_workbook(DATA_DIR / ZHANGQIU)
    only = _publish(engine, result.projects, result.stage_dates, "2021-04-30T08:05:00", "week17.xlsx")
    b = build_briefing(version_data(engine, only, dt.date(2021, 5, 1)), "en")
    (slide,) = section(b, B.CHANGES).slides
    assert slide.blocks == (
        B.Note("Version 1 is the first published version; there is no earlier version to compare with yet."),
    )


def timeline_rows(slide: B.Slide) -> list[str]:
    """The project names on a timeline slide's chart (its first trace holds every row, in order)."""
    chart = slide.blocks[0]
    assert isinstance(chart, B.Chart)
    return [name for name in chart.figure["data"][0]["y"]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_portfolio_timeline_is_split_into_readable_slides_of_whole_districts(lang):
    data, b = data_for(PORTFOLIO, "2026-11-21"), briefing(PORTFOLIO, "2026-11-21", lang)
    slides = section(b, B.TIMELINE).slides
    rows = [timeline_rows(slide) for slide in slides]
    assert len(slides) > 1 and all(len(r) <= TIMELINE_ROWS for r in rows)
    assert sorted(n for r in rows for n in r) == sorted(data.projects["name"])  # every project once
    by_name = dict(zip(data.projects["name"], data.projects["district"]))
    shown = [{by_name[n] for n in r} for r in rows]
    assert all(not (a & b) for i, a in enumerate(shown) for b in shown[i + 1 :])  # a district on one slide
    assert [s.subtitle.split("（" if lang == "zh" else " (")[0] for s in slides] == [
        fmt_list(sorted(d), lang) for d in shown
    ]
    ranges = {tuple(s.blocks[0].figure["layout"]["xaxis"]["range"]) for s in slides}
    assert len(ranges) == 1  # one date axis for every slide, so bars compare across slides


def test_a_small_timeline_is_one_slide_without_a_part_number():
    slides = section(briefing(ZHANGQIU, "2021-05-01", "zh"), B.TIMELINE).slides
    assert len(slides) == 1 and slides[0].subtitle == "" and len(timeline_rows(slides[0])) == 8


@pytest.mark.parametrize(
    ("sizes", "limit", "expected"),
    [
        ({"历下区": 7, "历城区": 12, "天桥区": 9, "槐荫区": 9}, 20, [19, 18]),
        ({"A": 25}, 20, [20, 5]),  # a district larger than a slide gets slides of its own
        ({"A": 3, "B": 25, "C": 2}, 10, [3, 10, 10, 7]),
        ({"A": 4}, 20, [4]),
    ],
)
def test_timeline_parts_keep_districts_whole_within_the_limit(sizes, limit, expected):
    frame = pd.DataFrame({"district": [d for d, n in sizes.items() for _ in range(n)]})
    frame["name"] = [f"p{i}" for i in range(len(frame))]
    parts = timeline_parts(frame, limit)
    assert [len(p) for p in parts] == expected
    assert pd.concat(parts)["name"].tolist() == frame.sort_values("district", kind="stable")["name"].tolist()


# --- the tables built column by column equal the tables built row by row -------------------------------------


def _built(projects: pd.DataFrame, previous: pd.DataFrame, lang: str) -> tuple:
    """Every table builder that walks a frame's rows: the risk list, the week's lists, the districts."""
    return (
        risk_block(urgent_first(projects), lang),
        week_tables(weekly_between(previous, projects, REGISTER_AS_OF), lang),
        districts_block(projects, lang),
    )


@settings(max_examples=15, deadline=None)
@given(seed=hst.integers(0, 100_000), lang=hst.sampled_from(["zh", "en"]))
def test_tables_equal_the_row_by_row_tables_on_random_registers(seed, lang):
    """Rows read column by column (``rows_of``) and reasons phrased from memory give exactly the cells that
    ``iterrows`` and phrasing every reason afresh gave (the builders before the 10,000-project work)."""
    projects, evidence = random_register(seed)
    judged = classify(projects, REGISTER_AS_OF, None, evidence)
    week_ago = REGISTER_AS_OF - dt.timedelta(days=7)
    previous = classify(evidence.previous, week_ago, None, Evidence(stage_dates=evidence.stage_dates))
    new = _built(judged, previous, lang)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "rows_of", lambda frame: (r for _, r in frame.iterrows()))
        patch.setattr(build, "render", lambda reason, lg: status_module._sentence(reason[0], reason[1], lg))
        old = _built(judged, previous, lang)
    assert new == old
    risk = new[0]
    assert len(risk.rows) == judged["status"].isin([OVERDUE, AT_RISK]).sum() > 0


# --- at province scale: the timeline summed above a limit, the red slides capped ----------------------------


def values(array) -> list:
    """A figure array as JSON gives it: a list, or plotly's base64 typed array (``{"dtype", "bdata"}``)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


@pytest.mark.parametrize(
    ("limit", "summed"),
    [(55, True), (56, False), (57, False)],  # the sample has 56 projects: above the limit / at it / below it
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_timeline_is_summed_by_month_above_the_project_limit(monkeypatch, limit, summed, lang):
    monkeypatch.setenv("RESETTLE_CHART_PROJECT_LIMIT", str(limit))
    slides = build_briefing(data_for(PORTFOLIO, "2026-11-21"), lang, (), (B.TIMELINE,)).sections[1].slides
    charts = blocks_of(slides, B.Chart)
    if summed:
        assert len(slides) == 1 and [c.key for c in charts] == ["timeline-summary"]
        assert ("56 projects" if lang == "en" else "共 56 个项目") in slides[0].subtitle
        assert not any("base" in trace for trace in charts[0].figure["data"])  # no bar per project
        bars = [trace for trace in charts[0].figure["data"] if trace.get("type") == "bar"]
        households = sum(sum(values(trace["y"])) for trace in bars)
        dated = data_for(PORTFOLIO, "2026-11-21").projects.dropna(subset=["deadline"])
        assert households == dated["households"].sum()  # every dated project's households, once
    else:
        assert {c.key for c in charts} == {"timeline"} and len(slides) >= 2  # a bar per project, 20 to a slide


@pytest.mark.parametrize(
    ("cap", "slides", "rest"),
    [(0, 0, 7), (6, 6, 1), (7, 7, 0), (8, 7, 0)],  # the sample has 7 overdue projects
)
def test_red_slides_are_capped_and_the_rest_listed_in_full(monkeypatch, cap, slides, rest):
    monkeypatch.setenv("RESETTLE_BRIEFING_RED_SLIDES", str(cap))
    red = build_briefing(data_for(PORTFOLIO, "2026-11-21"), "zh", (), (B.RED,)).sections[1].slides
    each = [s for s in red if s.key.startswith("red-") and s.key != "red-rest"]
    assert len(each) == slides
    expected = urgent_first(data_for(PORTFOLIO, "2026-11-21").projects)
    expected = expected[expected["status"] == OVERDUE]
    assert [s.title for s in each] == expected["name"].tolist()[:slides]  # longest late first
    tables = [s for s in red if s.key == "red-rest"]
    if not rest:
        assert not tables
        return
    (table_slide,) = tables
    note, table = table_slide.blocks
    assert note.text == f"共有 7 个项目逾期：逾期最久的 {slides} 个各占一页（见前页），其余 {rest} 列于下表。"
    assert [r[1].text for r in table.rows] == expected["name"].tolist()[slides:]  # every other one, in order


def test_the_district_bars_fold_past_the_top_and_the_table_keeps_every_district():
    data = data_for(PORTFOLIO, "2026-11-21")
    projects = pd.concat(
        [data.projects.assign(district=[f"{d}{k}" for d in data.projects["district"]]) for k in range(4)],
        ignore_index=True,
    )  # 24 districts
    chart = districts_chart(projects, "zh")
    done = chart.figure["data"][0]
    assert len(done["y"]) == 16 and done["y"][0] == "其他 9 个区县"  # the rest at the foot
    assert "其他 9 个区县" in chart.alt and len(districts_block(projects, "zh").rows) == 24
    data = BriefingData(data.as_of, projects, data.stage_dates, data.regions)
    (slide, table) = build_briefing(data, "zh", (), (B.DISTRICTS,)).sections[1].slides
    bars = next(b for b in slide.blocks if isinstance(b, B.Chart)).figure["data"][0]["y"]
    assert len(bars) == 9 and bars[0] == "其他 16 个区县"  # a slide shares its page with the figures: fewer bars
    assert len(table.blocks[0].rows) == 24


@pytest.mark.parametrize("section", [B.RED, B.YELLOW])
@pytest.mark.parametrize("spare", [-1, 0, 1])  # the limit one row short of the list, at it, one over it
def test_the_meeting_tables_list_the_most_urgent_rows_and_count_the_rest(monkeypatch, section, spare):
    monkeypatch.setenv("RESETTLE_BRIEFING_RED_SLIDES", "2")  # two red slides, the rest of the red in a table
    data = data_for(PORTFOLIO, "2026-11-21")
    flagged = urgent_first(data.projects)
    listed = flagged[flagged["status"] == (OVERDUE if section == B.RED else AT_RISK)]["name"].tolist()
    if section == B.RED:
        listed = listed[2:]
    monkeypatch.setenv("RESETTLE_BRIEFING_TABLE_ROWS", str(len(listed) + spare))
    slides = build_briefing(data, "zh", (), (section,)).sections[1].slides
    blocks = [b for s in slides if s.key in ("red-rest", "yellow") for b in s.blocks]
    table = next(b for b in blocks if isinstance(b, B.Table))
    notes = [b.text for b in blocks if isinstance(b, B.Note) and "未列出" in b.text]
    shown = min(len(listed), len(listed) + spare)
    assert [r[1].text for r in table.rows] == listed[:shown]  # the most urgent first, none skipped
    assert notes == (
        [f"以上为最紧急的 {shown} 个项目，另有 1 个未列出；完整名单请在看板“总览”下载 Excel。"] if spare < 0 else []
    )


@pytest.mark.parametrize(("limit", "shown", "note"), [(2, 2, True), (3, 3, False), (4, 3, False)])
def test_the_weeks_lists_are_capped_for_the_meeting_and_count_the_rest(engine, monkeypatch, limit, shown, note):
    """Three slips and three projects removed: at ``briefing_table_rows`` below three each list keeps its first
    rows (removed projects most households first) and a note counts the rest; at or above three, no note."""
    monkeypatch.setenv("RESETTLE_BRIEFING_TABLE_ROWS", str(limit))
    result = load_workbook(DATA_DIR / ZHANGQIU)
    first = _publish(engine, result.projects, result.stage_dates, "2021-04-20T02:00:00", "week16.xlsx")
    later = result.projects.copy()
    for n, row in enumerate(later.index[:3]):
        later.loc[row, "deadline"] = later.loc[row, "deadline"] + pd.Timedelta(days=30 + n)  # three slips
    gone = later.iloc[-3:]
    later = later.drop(index=gone.index)  # three projects removed
    second = _publish(engine, later, result.stage_dates, "2021-04-30T08:05:00", "week17.xlsx")
    data = version_data(engine, V.get_version(engine, second.id), dt.date(2021, 5, 1))
    assert data.compare_id == first.id
    slides = {s.key: s for s in section(build_briefing(data, "zh"), B.CHANGES).slides}
    for key in ("changes-slips", "changes-removed"):
        blocks = slides[key].blocks
        assert len(blocks[0].rows) == shown
        notes = [b for b in blocks if isinstance(b, B.Note)]
        assert [n.text for n in notes] == (
            [f"以上为最前面的 {limit} 条，另有 {3 - limit} 条未列出；完整清单请在看板“本周变化”页下载 Excel。"]
            if note
            else []
        )
    removed = [r[0].text for r in slides["changes-removed"].blocks[0].rows]
    most = gone.sort_values("households", ascending=False, kind="stable")["name"].tolist()
    assert removed == most[:shown]  # the most households first
