"""ui.urls: query values spelled safely, CJK left readable."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as hst

from ui.urls import iri


def _one_by_one(value: str) -> str:
    """The spelling character by character: ASCII through ``quote`` with nothing safe, the rest as it is."""
    return "".join(c if ord(c) > 127 else quote(c, safe="") for c in value)


@given(hst.text())
def test_iri_spells_each_character_as_quote_does(value):
    assert iri(value) == _one_by_one(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("大辛村安置区", "大辛村安置区"),
        ("A&B=1 #2", "A%26B%3D1%20%232"),
        ("50%+", "50%25%2B"),
        ("a-b_c.d~e", "a-b_c.d~e"),
    ],
)
def test_iri_examples(value, expected):
    assert iri(value) == expected
