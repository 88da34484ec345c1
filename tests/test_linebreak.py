"""Chinese line breaking for the PDF (``briefing.linebreak``): the typesetter's rules, table-driven and on any
text (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.linebreak import NO_LINE_END, NO_LINE_START, breakable, wrap_lines


def width(char: str) -> float:
    return 1.0 if ord(char) < 0x2E80 else 2.0  # Latin half as wide as Chinese, as in the PDF's font


@pytest.mark.parametrize(
    ("before", "after", "allowed"),
    [
        ("项", "目", True),
        ("目", "、", False),  # a line never starts with 、
        ("户", "）", False),
        ("（", "户", False),  # never ends with an opening bracket
        ("1", "2", False),  # 1,234 stays whole
        ("4", ",", False),
        ("0", "%", False),
        ("目", "1", True),
        ("5", "户", True),
        ("a", "b", False),
        ("。", "项", True),
    ],
)
def test_breakable(before, after, allowed):
    assert breakable(before, after) is allowed


@pytest.mark.parametrize(
    ("text", "room", "lines"),
    [
        ("", 10, [""]),
        ("项目甲乙", 8, ["项目甲乙"]),
        ("项目甲乙丙", 8, ["项目甲乙", "丙"]),
        ("项目甲、乙丙", 6, ["项目", "甲、乙", "丙"]),  # 、 would start the second line: 甲 moves down with it
        ("已逾期 1,234 天", 10, ["已逾期 ", "1,234 天"]),  # the figure is not split
        ("（北区）安置房", 6, ["（北", "区）安", "置房"]),  # ） would start a line: 区 moves down with it
        ("12345678901", 6, ["123456", "78901"]),  # a run longer than a line breaks where it overflows
        ("甲\n乙", 10, ["甲", "乙"]),
    ],
)
def test_wrap_lines(text, room, lines):
    assert wrap_lines(text, room, width) == lines


_TEXT = st.text(st.sampled_from(list("项目甲乙丙逾期天户12,3.%aB （）、。：") + [" "]), max_size=80)


def _inner_breaks(line: str) -> bool:
    return any(breakable(line[i - 1], line[i]) for i in range(1, len(line)))


@given(text=_TEXT, room=st.integers(2, 30))
def test_any_text_keeps_every_character_and_breaks_only_where_allowed_unless_forced(text, room):
    lines = wrap_lines(text, room, width)
    assert "".join(lines) == text
    for line, following in zip(lines, lines[1:]):
        forced = not _inner_breaks(line)  # no allowed break inside the line: it had to break where it overflowed
        assert sum(map(width, line)) <= room or len(line) == 1 or forced
        assert breakable(line[-1], following[0]) or forced
        assert following[0] not in NO_LINE_START or forced
        assert line[-1] not in NO_LINE_END or forced
