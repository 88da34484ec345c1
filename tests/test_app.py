"""AppTest runs of the app through its entrypoint: no exception, the key figures right for the samples."""

import re

import pytest
from app_pages import APP, html_table, signed_in
from streamlit.testing.v1 import AppTest


def run_app(**params) -> AppTest:
    at = signed_in(AppTest.from_file(APP, default_timeout=90))
    at.query_params.update({"as_of": "2026-11-21", **params})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_portfolio_in_chinese():
    at = run_app()
    assert at.title[0].value == "济南市安置房交付情况"
    assert at.caption[0].value == "截至2026年11月21日"
    assert "内置示例数据" in at.info[0].value
    assert metrics(at) == {
        "项目": "56个",
        "安置户数": "67,650",
        "总建筑面积（万㎡）": "959.95",
        "已交付": "17个",
        "2026年交付 / 目标": "3 / 14个",
        "已逾期": "7",
        "有风险": "26",  # any warning rule fired, with the published sample's stage dates as evidence
    }
    assert [m.delta for m in at.metric if m.label == "安置户数"] == [
        "尚待交付46,267户"
    ]  # written like its neighbours (21,383户)
    risk = next(h.proto.body for h in at.get("html") if 'class="bf-table"' in h.proto.body)
    assert risk.count("<tr>") == 1 + 33 and risk.count("■ 已逾期") == 7  # 33 rows: one page, no pager
    assert "共 33 个项目，按紧急程度排序。" in [c.value for c in at.caption]
    districts = html_table(at, block="districts")  # an HTML table: a row per district, figures as shown
    assert districts["安置户数"].str.replace(",", "").astype(int).sum() == 67650 and len(districts) == 6
    assert districts["建筑面积（万㎡）"].str.fullmatch(r"[\d,]+\.\d\d").all()  # 万㎡ to two decimals
    body = next(h.proto.body for h in at.get("html") if 'data-block="districts"' in h.proto.body)
    assert body.count('<a href="drill?') == 6  # each district opens its drill-down
    assert re.search(
        r'<a href="drill\?[^"]*district=(历城区|%E5%8E%86%E5%9F%8E%E5%8C%BA)[^"]*" target="_self">历城区</a>', body
    )


def test_overview_in_english_from_the_url():
    at = run_app(lang="en")
    assert at.title[0].value == "Jinan: resettlement housing delivery"
    assert at.caption[0].value == "As of 2026-11-21"
    assert metrics(at)["Households"] == "67,650"
    assert metrics(at)["Overdue"] == "7"


def test_language_switch_updates_page_and_url():
    at = run_app()
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Jinan: resettlement housing delivery"
    assert at.query_params["lang"] == "en"


def test_zhangqiu_2021_list_as_of_may_2021():
    at = run_app(data="zhangqiu_2021", as_of="2021-05-01")
    assert at.title[0].value == "章丘区安置房交付情况"
    figures = metrics(at)
    assert figures["项目"] == "8个" and figures["安置户数"] == "7,253" and figures["总建筑面积（万㎡）"] == "264.83"
    assert figures["已逾期"] == "5" and figures["有风险"] == "1"
    assert figures["2021年交付 / 目标"] == "0 / 15个"  # the published target: 15 projects in 2021


def test_district_filter_narrows_figures_and_title():
    at = run_app()
    at.multiselect(key="ov_filter_districts").set_value(["历城区"]).run()
    assert at.title[0].value == "历城区安置房交付情况"
    assert metrics(at)["项目"] == "12个" and metrics(at)["安置户数"] == "13,304"


def test_street_drill_down():
    at = run_app()
    at.selectbox(key="ov_street_district").set_value("历城区").run()
    streets = at.dataframe[0].value  # the districts above are an HTML table: the streets' is the first grid
    assert streets["安置户数"].sum() == 13304 and len(streets) >= 2


@pytest.mark.parametrize("status", ["done", "overdue"])
def test_status_filter_and_empty_state(status):
    at = run_app(data="zhangqiu_2021", as_of="2021-05-01")
    at.multiselect(key="ov_statuses__zh").set_value([status]).run()
    if status == "done":  # nothing in the 2021 list had been handed over by 1 May 2021
        assert "没有项目" in at.warning[0].value and not at.metric
    else:
        assert metrics(at)["项目"] == "5个"


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1989-12-31", "2101-01-01", "2026-02-30", "x" * 5000])
@pytest.mark.parametrize("page", ["views/overview.py", "views/progress.py"])
def test_an_as_of_date_beyond_the_data_years_in_a_link_opens_on_today(page, as_of):
    """Year 1 or 9999 in the link failed every dashboard page (OutOfBoundsDatetime); now it is ignored, as any
    date that is not one: the page opens on today, and the picker stays within 1990 to 2100."""
    import datetime as dt

    from housing.clock import today

    at = run_app(as_of=as_of)
    at.switch_page(page).run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    picker = at.date_input(key="as_of")
    assert picker.value == today()
    assert (picker.proto.min, picker.proto.max) == ("1990-01-01", "2100-12-31")
    assert "as_of" not in at.query_params
    assert dt.date(1990, 1, 1) <= picker.value
