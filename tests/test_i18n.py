"""The catalogue is complete in both languages, and every key the code asks for exists."""

import re
import string
from pathlib import Path

import pytest

from housing.i18n import CATALOGUE, LANGS, t

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    p
    for d in ("app.py", "pages", "ui", "housing", "loaders")
    for p in ([ROOT / d] if d.endswith(".py") else (ROOT / d).rglob("*.py"))
]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_both_languages_present_with_same_placeholders(key):
    zh, en = CATALOGUE[key]
    assert zh.strip() and en.strip(), f"{key} is missing a language"
    assert _fields(zh) == _fields(en), f"{key}: placeholders differ"


def test_every_key_used_in_code_exists():
    used = set()
    for path in SOURCES:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", path.read_text(encoding="utf-8")))
        used |= set(re.findall(r"""title_key\s*=?\s*["']([a-z0-9_]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys: the pattern is broken"
    assert sorted(used - set(CATALOGUE)) == []


def test_status_keys_exist_for_every_status():
    from housing.status import STATUSES

    for status in STATUSES:
        for lang in LANGS:
            assert t(f"status_{status}", lang)


def test_t_fills_placeholders_and_falls_back_to_chinese():
    assert t("as_of_caption", "en", date="2021-03-31") == "As of 2021-03-31"
    assert t("as_of_caption", "zh", date="2021年3月31日") == "截至2021年3月31日"
    assert t("as_of_caption", "fr", date="x") == "截至x"


def test_catalogues_have_the_same_keys():
    from housing.i18n import TEXTS

    assert set(TEXTS["zh"]) == set(TEXTS["en"]), set(TEXTS["zh"]) ^ set(TEXTS["en"])
