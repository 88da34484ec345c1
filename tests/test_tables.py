"""Number formats of the pages' data frames (``ui.tables``, ``ui.blocks``): thousands separators whatever the
browser's locale, 万㎡ with two decimals (13,337.80), and the paged lists' cards (``ui.blocks.block_cards``)."""

from __future__ import annotations

import re

import pytest

from briefing import blocks as B
from ui.blocks import block_cards, table_columns
from ui.tables import COUNT_FORMAT, WAN_FORMAT, number_columns


def sprintf(spec: str, value: float) -> str:
    """What the browser's sprintf-js shows for ``spec`` (``%,d``, ``%,.2f``): the subset we use, in Python."""
    match = re.fullmatch(r"%(,?)(?:\.(\d+))?([df])", spec)
    assert match, f"{spec} is not a format this test reads"
    comma, digits, kind = match.groups()
    python = f"{comma}.{digits or 0}f" if kind == "f" else f"{comma}d"
    return format(value if kind == "f" else int(value), python)


@pytest.mark.parametrize(
    ("spec", "value", "shown"),
    [
        (WAN_FORMAT, 13_337.8, "13,337.80"),
        (WAN_FORMAT, 0.5, "0.50"),
        (WAN_FORMAT, 1_234_567.891, "1,234,567.89"),
        (COUNT_FORMAT, 1_770_303, "1,770,303"),
        (COUNT_FORMAT, 12, "12"),
        (COUNT_FORMAT, -1_200, "-1,200"),
    ],
)
def test_formats_separate_thousands(spec, value, shown):
    assert sprintf(spec, value) == shown


def formats(config: dict) -> dict[str, str]:
    return {label: column["type_config"]["format"] for label, column in config.items() if "type_config" in column}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_roll_up_tables_format_counts_and_area(lang):
    area = "建筑面积（万㎡）" if lang == "zh" else "Floor area (10,000 m²)"
    shown = formats(number_columns(lang))
    assert shown[area] == WAN_FORMAT
    assert {f for label, f in shown.items() if label != area} == {COUNT_FORMAT}


def test_block_tables_format_counts_days_and_area():
    block = B.Table(
        "t",
        (
            B.Column("name", "项目名称"),
            B.Column("households", "安置户数", B.COUNT),
            B.Column("slip", "推迟天数", B.DAYS),
            B.Column("area", "万㎡", B.WAN_M2),
        ),
        (),
    )
    assert formats(table_columns(block)) == {"安置户数": COUNT_FORMAT, "推迟天数": COUNT_FORMAT, "万㎡": WAN_FORMAT}


CARD_BLOCK = B.Table(
    "t",
    (
        B.Column("status", "状态", B.STATUS),
        B.Column("name", "项目名称"),
        B.Column("households", "安置户数", B.COUNT),
        B.Column("stage", "形象进度"),
        B.Column("district", "区县"),
        B.Column("reasons", "原因"),
    ),
    (
        (
            B.Cell("overdue", "■ 已逾期"),
            B.Cell("<script>x</script>", "<script>x</script>"),
            B.Cell(1234, "1,234"),
            B.Cell("", ""),
            B.Cell("历城区", "历城区"),
            B.Cell("已逾期 3 天；落后 5 个百分点", "已逾期 3 天；落后 5 个百分点"),
        ),
    ),
    ("overdue",),
)


def test_cards_show_every_figure_escaped_and_linked():
    cards = block_cards(CARD_BLOCK, {"name": ["detail?name=<x>&as_of=2026-11-21"]})
    assert "<script>" not in cards and "&lt;script&gt;x&lt;/script&gt;" in cards
    assert 'href="detail?name=&lt;x&gt;&amp;as_of=2026-11-21"' in cards
    assert '<span style="white-space:nowrap">安置户数 1,234</span>' in cards  # a figure on one line with its label
    assert "区县&nbsp;历城区" in cards  # workbook text may wrap, but not away from its label
    assert "形象进度" not in cards  # a blank cell is left off
    assert cards.count("<li>") == 2 and '<span class="bf-status">■ 已逾期</span>' in cards
    assert "#CC3311" in cards  # the overdue colour on the card's edge


def test_cards_of_no_rows():
    empty = B.Table("t", CARD_BLOCK.columns, ())
    assert block_cards(empty) == '<div class="bf-cards"></div>'
