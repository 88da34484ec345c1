"""Page tables as ``Table`` blocks for the Excel export (``ui.exports``), and the names its files are saved under."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from briefing.blocks import COUNT, DATE, STATUS, TEXT, WAN_M2, Cell
from ui.exports import export_name, frame_block


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("风险项目", "2021-05-01"), "风险项目_2021-05-01.xlsx"),
        (("at-risk", "2021-05-01"), "at-risk_2021-05-01.xlsx"),
        (("项目清单", "历城区", "港沟街道", "2021-05-01"), "项目清单_历城区_港沟街道_2021-05-01.xlsx"),
        (("项目清单", '../a\\b:c*d?"e"<f>|g', "2021-05-01"), "项目清单_a b c d e f g_2021-05-01.xlsx"),
        (("项目清单", "\x00\r\n", "2021-05-01"), "项目清单_2021-05-01.xlsx"),  # nothing left of the place
        (("项目清单", "..", "2021-05-01"), "项目清单_2021-05-01.xlsx"),
    ],
)
def test_export_names_are_safe_file_names(parts, expected):
    assert export_name(*parts) == expected


def test_a_display_frame_becomes_a_table_with_raw_values_and_shown_texts():
    display = pd.DataFrame(
        {
            "状态": ["■ 已逾期", "▲ 有风险"],
            "项目名称": ["/detail?name=%3D1", "/detail?name=%E4%B9%99"],  # the page's links
            "安置户数": ["1,234", "—"],
            "万㎡": [1.23, np.nan],
            "计划交付日期": ["2021年3月31日", ""],
            "项目数": np.array([3, 4], dtype="int64"),
        }
    )
    raw = {
        "状态": ["overdue", "at_risk"],
        "项目名称": ["=1", "乙"],
        "安置户数": pd.Series([1234, None], dtype="Int64"),
        "万㎡": [12_345.6, np.nan],
        "计划交付日期": [pd.Timestamp("2021-03-31"), pd.NaT],
    }
    kinds = {"状态": STATUS, "安置户数": COUNT, "万㎡": WAN_M2, "计划交付日期": DATE, "项目数": COUNT}
    table = frame_block("t", display, kinds, raw, ["overdue", "at_risk"], empty="无。")
    assert [(c.label, c.kind) for c in table.columns][:2] == [("状态", STATUS), ("项目名称", TEXT)]
    first, second = table.rows
    assert first == (
        Cell("overdue", "■ 已逾期"),
        Cell("=1", "=1"),  # the name, not the page's link
        Cell(1234, "1,234"),
        Cell(12_345.6, "1.23"),
        Cell(dt.date(2021, 3, 31), "2021年3月31日"),
        Cell(3, "3"),
    )
    assert type(first[2].value) is int and type(first[5].value) is int  # plain Python, not numpy
    assert [c.value for c in second[2:5]] == [None, None, None] and second[2].text == "—"
    assert table.statuses == ("overdue", "at_risk") and table.empty == "无。"
