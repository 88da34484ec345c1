"""The problems found in a workbook (``ui.issues``): a page of 50 at a time as an escaped HTML table, every
message and value in full, through the upload page (the entrypoint), and the block alone for hostile text."""

from __future__ import annotations

from app_pages import html_table, table_texts
from hypothesis import given, settings
from hypothesis import strategies as st
from test_upload_page import HEADER, start, upload, workbook

from loaders.issues import Issue
from ui.blocks import table_and_cards
from ui.issues import issues_block

LONG = "一百六十一" * 30  # 150 characters typed where a number belongs


def test_sixty_problems_are_listed_fifty_a_page_every_value_in_full(make_xlsx, app_database):
    rows = [HEADER, *([f"项目{i:02d}", "章丘区", "明水街道", LONG, 21.26, "2021-03-31", "主体封顶"] for i in range(60))]
    at = upload(start(), "bad.xlsx", workbook(make_xlsx, rows))
    first = html_table(at, "up_issues")
    assert len(first) == 50 and set(first["内容"]) == {LONG}  # the cell as typed, not cut
    assert list(first["行号"])[:3] == ["2", "3", "4"] and set(first["说明"]) == {"不是有效的数字"}
    assert "显示第 1–50 个。" in [c.value for c in at.caption]
    assert not [d for d in at.dataframe if "说明" in d.value]  # no data grid cuts a message off
    at.button(key="up_issues_next").click().run()
    rest = html_table(at, "up_issues")
    assert list(rest["行号"]) == [str(r) for r in range(52, 62)] and at.button(key="up_issues_next").disabled


@given(st.text(max_size=200), st.text(max_size=40))
@settings(max_examples=60, deadline=None)
def test_any_cell_value_and_sheet_show_as_typed(value, sheet):
    issue = Issue("not_a_number", sheet=sheet, row=12_345, column="安置户数", value=value)
    shown = table_and_cards("up_issues", issues_block([issue], "zh"), title="message")
    row = table_texts(shown).iloc[0]
    assert row["内容"] == value and row["工作表"] == sheet and row["行号"] == "12345"  # a row as Excel numbers it
    assert "<script" not in shown.lower() and row["说明"] == issue.message("zh")
