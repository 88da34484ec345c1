"""Column mappings remembered per layout (``store.mappings``), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from store.mappings import PREFIX, layout_key, remember_mapping, remembered_mapping


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (["项目名称", "户数", "交房"], ["交房", "项目名称", "户数"], True),  # order does not matter
        (["项目名称", "户数"], ["项目名称", "户数", "户数", " "], True),  # nor repeats and blank headers
        (["项目名称", "户数"], ["项目名称", "户数（户）"], False),
        (["项目名称"], ["项目名称", "备注"], False),
    ],
)
def test_a_layout_is_its_set_of_headers(a, b, same):
    assert (layout_key(a) == layout_key(b)) is same
    assert layout_key(a).startswith(PREFIX) and len(layout_key(a)) <= 64  # fits settings_log.key


def test_a_mapping_is_remembered_per_layout_and_the_newest_wins(engine):
    headers = ["项目名称", "安置户数", "交房日期(实际)"]
    assert remembered_mapping(engine, headers) == {}
    remember_mapping(engine, headers, {"交房日期(实际)": "handed_over"}, "张三")
    remember_mapping(engine, headers, {"交房日期(实际)": "handed_over", "安置户数": None}, "李四")
    assert remembered_mapping(engine, list(reversed(headers))) == {"交房日期(实际)": "handed_over", "安置户数": None}
    assert remembered_mapping(engine, [*headers, "备注"]) == {}  # another layout
    remember_mapping(engine, headers, {}, "张三")
    assert remembered_mapping(engine, headers) == {}  # forgotten: automatic again
