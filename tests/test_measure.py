"""Text measuring for the deck's layout: widths, wrapped lines, and table column widths."""

import pytest

from briefing.measure import Grid, em_width, line_count, shortest_widths, text_width


@pytest.mark.parametrize(
    ("text", "ems"),
    [
        ("安置房", 3.0),
        ("abc", 3 * 0.56),
        ("AB 12", 4 * 0.62 + 0.3),
        ("▲", 1.0),  # ambiguous width: full width in CJK faces
        ("2021年", 4 * 0.62 + 1.0 + 0.25),  # LibreOffice's gap between digits and CJK
    ],
)
def test_em_width(text, ems):
    assert em_width(text) == pytest.approx(ems)


def test_line_count_wraps_cjk_anywhere_and_latin_between_words():
    assert line_count("安" * 10, 10 / 72 * 12 * 1.07, 12) == 1  # ten ems fit (with the wrap slack)
    assert line_count("安" * 20, 10 / 72 * 12 * 1.07, 12) == 2
    assert line_count("a\nb", 5, 12) == 2
    long_words = " ".join(["resettlement"] * 6)  # whole words move to the next line: more lines than ems say
    assert line_count(long_words, 1.5, 12) > em_width(long_words) * 12 / 72 / 1.5


def test_shortest_widths_fill_the_width_and_keep_dates_on_one_line():
    reason = "计划交付日期已过去31天，主体施工尚未完成；配套道路、供暖管网和学校用地的手续仍在办理中" * 2
    rows = [["项目名称", "计划交付日期", "原因"]] + [
        [f"埠村街道安置区{i}号地块", "2021年6月30日", reason] for i in range(5)
    ]
    widths = shortest_widths(Grid(rows, 12, 0.2, [False, True, False]), 10.0)
    assert sum(widths) == pytest.approx(10.0)
    assert widths[1] >= text_width("2021年6月30日", 12) + 0.2  # the date is never wrapped
    assert widths[2] == max(widths)  # the long reasons get the most room


def test_shortest_widths_spread_a_narrow_table_over_the_width():
    widths = shortest_widths(Grid([["区县", "户数"], ["章丘区", "12"]], 12, 0.2), 8.0)
    assert sum(widths) == pytest.approx(8.0) and widths[0] > widths[1]


def test_many_columns_share_the_width_without_overflowing():
    rows = [[f"列{i}" * 8 for i in range(20)]] * 2
    assert sum(shortest_widths(Grid(rows, 12, 0.2), 12.0)) == pytest.approx(12.0)
