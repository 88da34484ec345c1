"""The upload page's column-mapping step (``ui.mapping``): pick what a column is, read again, remembered."""

from __future__ import annotations

from app_pages import html_table, open_page
from streamlit.testing.v1 import AppTest

from store.db import open_database
from store.mappings import remembered_mapping

HEADER = ["项目名称", "所属区县", "安置户数", "计划交付日期", "房屋钥匙发放"]
ROWS = [
    ["西琅沟", "章丘区", 656, "2021-03-31", "2021-03-20"],
    ["白泉", "章丘区", 1555, "2021-04-30", None],
]


def upload(make_xlsx, rows, name="week.xlsx") -> AppTest:
    at = open_page("views/upload.py", as_of="2021-05-01")
    at.file_uploader[0].upload(name, make_xlsx(rows, name=name).read_bytes()).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose(at: AppTest, header: str, field: str) -> AppTest:
    box = next(s for s in at.selectbox if s.label == header)
    box.set_value(field)
    next(b for b in at.button if b.label == "按所选对应重新读取").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def read_as(at: AppTest, header: str) -> str:
    table = next(d.value for d in at.dataframe if "读作" in d.value.columns)
    return table.loc[table["列名"] == header, "读作"].item()


def test_an_unrecognised_date_column_is_warned_then_mapped_and_remembered(make_xlsx, app_database):
    at = upload(make_xlsx, [HEADER, *ROWS])
    assert read_as(at, "房屋钥匙发放") == "未使用"
    assert any("房屋钥匙发放" in w for w in html_table(at, "up_issues").to_string().splitlines())  # the warning row
    at = choose(at, "房屋钥匙发放", "handed_over")
    assert read_as(at, "房屋钥匙发放") == "实际交付日期"
    assert "已按保存的列对应读取 1 列" in at.info[0].value
    assert remembered_mapping(open_database(app_database), HEADER) == {"房屋钥匙发放": "handed_over"}
    # next week's file with the same headers: read the same way without asking
    again = upload(make_xlsx, [HEADER, ["月官", "章丘区", 803, "2021-03-31", "2021-04-02"]], name="next.xlsx")
    assert read_as(again, "房屋钥匙发放") == "实际交付日期"
    by = next(d.value for d in again.dataframe if "依据" in d.value.columns)
    assert by.loc[by["列名"] == "房屋钥匙发放", "依据"].item() == "所选对应"


def test_a_recognised_column_can_be_set_to_not_used_and_back_to_automatic(make_xlsx, app_database):
    at = choose(upload(make_xlsx, [HEADER, *ROWS]), "安置户数", "__none__")
    assert read_as(at, "安置户数") == "未使用"
    at = choose(at, "安置户数", "__auto__")
    assert read_as(at, "安置户数") == "安置户数"
    assert remembered_mapping(open_database(app_database), HEADER) == {}
