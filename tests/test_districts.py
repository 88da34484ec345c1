"""The district → street/town → project drill-down: the place in the URL, and AppTest runs through the entrypoint.

Figures are those of the bundled portfolio sample as of 2026-11-21 (seeded into each test's fresh database).
Counts that follow from the at-risk rules are checked against each other, not against fixed numbers.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from app_pages import html_table, open_page
from streamlit.testing.v1 import AppTest

from ui.drill import Place, district_link, dropped, known, place_from, place_name
from ui.urls import link_column

PAGE = "views/districts.py"


# --- the place in the URL ------------------------------------------------------------------------------


def _classified() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": list("ABCD"),
            "district": ["历城区", "历城区", "章丘区", None],
            "street": ["华山街道", None, None, None],
        }
    )


@pytest.mark.parametrize(
    "params, wanted, kept, note",
    [
        ({}, Place(), Place(), None),
        ({"district": "历城区"}, Place("历城区"), Place("历城区"), None),
        ({"district": "历城区", "street": "华山街道"}, Place("历城区", "华山街道"), Place("历城区", "华山街道"), None),
        ({"district": "历城区", "street": "—"}, Place("历城区", "—"), Place("历城区", "—"), None),  # blank street
        ({"district": "—"}, Place("—"), Place("—"), None),  # projects without a district
        ({"street": "华山街道"}, Place(), Place(), None),  # a street alone names no place
        ({"district": ""}, Place(), Place(), None),
        ({"district": "历城区", "street": "明水街道"}, Place("历城区", "明水街道"), Place("历城区"), "明水街道"),
        ({"district": "章丘区", "street": "华山街道"}, Place("章丘区", "华山街道"), Place("章丘区"), "华山街道"),
        ({"district": "不存在区", "street": "华山街道"}, Place("不存在区", "华山街道"), Place(), "不存在区"),
    ],
)
def test_place_from_the_url_cut_back_to_the_data(params, wanted, kept, note):
    assert place_from(params) == wanted
    assert known(wanted, _classified()) == kept
    assert dropped(wanted, kept) == note


@pytest.mark.parametrize(
    "place, child, trail, params",
    [
        (Place(), "district", [Place()], {}),
        (Place("历城区"), "street", [Place(), Place("历城区")], {"district": "历城区"}),
        (
            Place("历城区", "华山街道"),
            None,
            [Place(), Place("历城区"), Place("历城区", "华山街道")],
            {"district": "历城区", "street": "华山街道"},
        ),
    ],
)
def test_levels(place, child, trail, params):
    assert (place.child, place.trail(), place.params()) == (child, trail, params)


@pytest.mark.parametrize(
    "place, lang, name",
    [
        (Place(), "zh", "济南市"),
        (Place("历城区"), "zh", "历城区"),
        (Place("历城区", "华山街道"), "en", "历城区 华山街道"),
        (Place("历城区", "—"), "zh", "历城区 未填写"),
        (Place("—"), "en", "not given"),
    ],
)
def test_place_name(place, lang, name):
    assert place_name(place, "济南市", lang) == name


@pytest.mark.parametrize(
    "district, street, shared, link",
    [
        ("历城区", None, {}, "drill?district=历城区"),
        (
            "历城区",
            None,
            {"lang": "en", "as_of": "2026-11-21", "data": "published", "district": "章丘区", "other": "x"},
            "drill?district=历城区&lang=en&as_of=2026-11-21&data=published",  # only app.py's parameters carried
        ),
        ("历城区", "华山街道", {"version": "3"}, "drill?district=历城区&street=华山街道&version=3"),
        ("A&B区", None, {}, "drill?district=A%26B区"),  # ASCII that would break the query is escaped
    ],
)
def test_district_link(district, street, shared, link):
    assert district_link(district, street, shared=shared) == link


def test_link_column_shows_the_district_name():
    pattern = link_column("区县", "district")["type_config"]["display_text"]
    link = district_link("历城区", "华山街道", shared={"lang": "zh", "as_of": "2026-11-21"})
    assert re.search(pattern, link).group(1) == "历城区"


# --- the page through the entrypoint ---------------------------------------------------------------------


def start(**params) -> AppTest:
    at = open_page(PAGE, **params)
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def figures(at: AppTest, lang: str) -> list[str]:
    """Projects, households, waiting, handed over, 万㎡, overdue in the KPI row."""
    labels = {
        "zh": ["项目", "安置户数", "待交付户数", "已交付户数", "总建筑面积（万㎡）", "已逾期"],
        "en": ["Projects", "Households", "Waiting (hh)", "Handed over (hh)", "Area (10k m²)", "Overdue"],
    }[lang]
    return [metrics(at)[label] for label in labels]


def crumbs(at: AppTest) -> list[str]:
    return [b.label for b in at.button if (b.key or "").startswith("dd_crumb_")]


def as_numbers(table: pd.DataFrame) -> pd.DataFrame:
    """A table read off the page with its figures as numbers again ("15,214" → 15214, "215.36" → 215.36)."""
    out = table.copy()
    for column in out.columns[1:]:
        texts = out[column].str.replace(",", "")
        if texts.str.fullmatch(r"\d+").all():
            out[column] = texts.astype(int)
        elif texts.str.fullmatch(r"\d+\.\d+").all():
            out[column] = texts.astype(float)
    return out


def children_match_headline(at: AppTest, lang: str) -> pd.DataFrame:
    """The status table; its columns add up to the KPI row (at risk included, whatever the rules say)."""
    table = as_numbers(html_table(at))  # the first table of the page: one level down
    at_risk, overdue = ("▲ 有风险", "■ 已逾期") if lang == "zh" else ("▲ At risk", "■ Overdue")
    households = "安置户数" if lang == "zh" else "Households"
    assert f"{table[households].sum():,}" == metrics(at)[households]
    assert str(table[at_risk].sum()) == metrics(at)["有风险" if lang == "zh" else "At risk"]
    assert str(table[overdue].sum()) == metrics(at)["已逾期" if lang == "zh" else "Overdue"]
    return table


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_all_districts(lang):
    at = start(lang=lang)
    assert at.title[0].value == ("济南市 · 安置房交付情况" if lang == "zh" else "Jinan · Resettlement housing delivery")
    units = "56个" if lang == "zh" else "56"
    assert figures(at, lang) == [units, "67,650", "46,267", "21,383", "959.95", "7"]
    table = children_match_headline(at, lang)
    assert len(table) == 6 and table.iloc[0, 0] == "章丘区"  # largest household count first
    assert charts(at) == 1 and crumbs(at) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_district_from_the_url(lang):
    at = start(lang=lang, district="历城区")
    assert at.title[0].value.startswith("历城区 · ")
    units = "12个" if lang == "zh" else "12"
    assert figures(at, lang) == [units, "13,304", "4,988", "8,316", "191.60", "0"]
    table = children_match_headline(at, lang)
    households = "安置户数" if lang == "zh" else "Households"
    assert dict(zip(table.iloc[:, 0], table[households])) == {"港沟街道": 5173, "王舍人街道": 5156, "华山街道": 2975}
    assert crumbs(at) == ["全部区县" if lang == "zh" else "All districts"]
    assert at.selectbox(key="dd_district").value == "历城区"
    assert at.query_params["district"] == "历城区" and at.query_params["lang"] == lang  # app.py's params kept
    assert at.query_params["as_of"] == "2026-11-21"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_street_shows_its_projects(lang):
    at = start(lang=lang, district="历城区", street="华山街道")
    assert at.title[0].value.startswith("历城区 华山街道 · ")
    units = "4个" if lang == "zh" else "4"
    assert figures(at, lang) == [units, "2,975", "1,436", "1,539", "43.43", "0"]
    projects = html_table(at)  # every reason in full, the status in its colour
    status, households = ("状态", "安置户数") if lang == "zh" else ("Status", "Households")
    assert len(projects) == 4 and projects[households].str.replace(",", "").astype(int).sum() == 2975
    done = "✔ 已交付" if lang == "zh" else "✔ Handed over"
    assert (projects[status] == done).sum() == 2 and projects[status].iloc[-1] == done  # urgent first
    assert not at.dataframe and not any(b.key == "dd_projects_next" for b in at.button)  # one page: no pager
    assert charts(at) == 0
    assert crumbs(at) == (["全部区县", "历城区"] if lang == "zh" else ["All districts", "历城区"])


def test_pickers_and_breadcrumb_move_through_the_levels():
    at = start()
    at.selectbox(key="dd_district").set_value("章丘区").run()
    ok(at)
    assert at.query_params["district"] == "章丘区" and metrics(at)["安置户数"] == "15,214"
    assert at.selectbox(key="dd_street").options == ["双山街道", "圣井街道", "明水街道"]
    at.selectbox(key="dd_street").set_value("明水街道").run()
    ok(at)
    assert at.query_params["street"] == "明水街道" and metrics(at)["项目"] == "4个"
    at.button(key="dd_crumb_1").click().run()  # 章丘区
    ok(at)
    assert "street" not in at.query_params and at.title[0].value == "章丘区 · 安置房交付情况"
    assert at.selectbox(key="dd_street").value is None
    at.selectbox(key="dd_street").set_value("双山街道").run()
    at.selectbox(key="dd_district").set_value("历城区").run()  # another district: its street is not kept
    ok(at)
    assert "street" not in at.query_params and metrics(at)["安置户数"] == "13,304"
    at.button(key="dd_crumb_0").click().run()  # 全部区县
    ok(at)
    assert "district" not in at.query_params and metrics(at)["项目"] == "56个"
    assert at.selectbox(key="dd_district").value is None and at.selectbox(key="dd_street").disabled


def test_language_switch_keeps_the_level():
    at = start(district="历城区", street="华山街道")
    at.radio(key="lang").set_value("en").run()
    ok(at)
    assert at.title[0].value == "历城区 华山街道 · Resettlement housing delivery"
    assert at.query_params["street"] == "华山街道" and metrics(at)["Households"] == "2,975"


def test_unknown_place_in_the_link_falls_back_to_the_level_above():
    at = start(district="历城区", street="明水街道")
    assert any("明水街道" in i.value for i in at.info)  # under the sample banner
    assert at.title[0].value == "历城区 · 安置房交付情况" and "street" not in at.query_params


def test_filters_leaving_nothing():
    at = start(district="历城区")
    at.multiselect(key="ov_filter_districts").set_value(["章丘区"]).run()
    ok(at)
    assert "历城区没有项目" in at.warning[0].value and not at.metric and not at.dataframe


def test_zhangqiu_2021_blank_streets_are_a_child_of_their_own():
    at = start(data="zhangqiu_2021", as_of="2021-05-01", district="章丘区")
    assert figures(at, "zh") == ["8个", "7,253", "7,253", "0", "264.83", "5"]
    table = children_match_headline(at, "zh")
    assert dict(zip(table.iloc[:, 0], table["项目数"])) == {"—": 7, "明水街道": 1}
    at.selectbox(key="dd_street").set_value("—").run()
    ok(at)
    assert at.title[0].value == "章丘区 未填写 · 安置房交付情况" and len(html_table(at)) == 7


def test_district_without_street_names_lists_its_projects(app_database):
    from store import versions as V
    from store.db import open_database

    start()  # the first start publishes the sample as version 1
    db = open_database(app_database)
    week = V.version_projects(db, 1)
    week.loc[week["district"] == "历城区", "street"] = None
    V.publish(db, week, content=b"no streets", filename="无街道.xlsx", uploader="张三")
    at = start(district="历城区")
    assert "没有填写街道（镇）" in at.info[0].value
    assert len(html_table(at)) == 12 and metrics(at)["安置户数"] == "13,304"
    assert at.selectbox(key="dd_street").disabled and charts(at) == 0


def test_thirty_districts_read_as_the_top_fifteen_and_the_rest(app_database, project_table):
    import json

    from test_overview import register_rows

    from store import versions as V
    from store.db import open_database

    V.publish(
        open_database(app_database),
        project_table(register_rows(600)),
        content=b"p",
        filename="省.xlsx",
        uploader="张三",
    )
    at = open_page("views/districts.py", data="published")
    (chart,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    bars = chart["data"][0]["y"]
    assert len(bars) == 16 and bars[0] == "其他 15 个区县"  # the rest as one bar, at the foot
    assert len(html_table(at, block="district")) == 30  # the table lists every district


def test_a_street_of_a_hundred_projects_lists_them_a_page_at_a_time(app_database, project_table):
    """第01区 of a 700-project register holds 600 projects, 120 a street: three pages, every reason in full, names
    linking to their detail, floor area in 万㎡ with two decimals."""
    from test_overview import register_rows

    from store import versions as V
    from store.db import open_database

    rows = register_rows(700, districts=2)
    V.publish(open_database(app_database), project_table(rows), content=b"p", filename="省.xlsx", uploader="张三")
    at = open_page("views/districts.py", data="published", district="第01区", street="第01区街道0")
    assert not at.error and not at.dataframe  # no data frame (and no Styler) for the projects
    assert any(c.value == "共 120 个项目，按紧急程度排序，显示第 1–50 个。完整名单请下载 Excel。" for c in at.caption)
    first = html_table(at)
    assert len(first) == 50 and first["状态"].iloc[0] == "■ 已逾期" and set(first["万㎡"]) == {"1.20"}
    assert all(r and not r.endswith(("…", "...")) for r in first["原因"])  # every reason in full, never cut
    body = next(h.proto.body for h in at.get("html") if 'class="bf-table"' in h.proto.body)
    assert body.count('<a href="detail?district=第01区&amp;name=安置项目') == 50
    at.button(key="dd_projects_next").click().run()
    at.button(key="dd_projects_next").click().run()
    assert any("显示第 101–120 个" in c.value for c in at.caption) and len(html_table(at)) == 20
    assert at.button(key="dd_projects_next").disabled
    at.radio(key="lang").set_value("en").run()  # the same list in English, still on its page
    assert any(
        c.value
        == "120 projects in all, most urgent first; showing 101–120." + " The full list is in the Excel download."
        for c in at.caption
    )
