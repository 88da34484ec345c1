"""The catalogue of user-facing text: one file per language, Chinese first and English too.

The texts live in ``housing/locales/zh.toml`` and ``housing/locales/en.toml`` (same keys in both), so a
translator edits one file per language and every renderer (pages, decks, PDFs, the phone) reads the same
words. ``t(key, lang, **params)`` looks a text up and fills its ``{placeholders}``. A test checks that every
key has both languages with the same placeholders, and that every key the code uses exists.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LOCALES = Path(__file__).with_name("locales")


def _read_catalogue(lang: str) -> dict[str, str]:
    with (LOCALES / f"{lang}.toml").open("rb") as handle:
        return tomllib.load(handle)


TEXTS: dict[str, dict[str, str]] = {lang: _read_catalogue(lang) for lang in LANGS}
# key -> (Chinese, English): the pairs' view of the two catalogues (keys missing in English fall back to "").
CATALOGUE: dict[str, tuple[str, str]] = {key: (zh, TEXTS["en"].get(key, "")) for key, zh in TEXTS["zh"].items()}


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """The text for ``key`` in ``lang`` (``zh`` or ``en``), with ``params`` filled in."""
    return TEXTS["en" if lang == "en" else "zh"][key].format(**params)


def status_label(status: str, lang: str) -> str:
    """The display name of a status."""
    return t(f"status_{status}", lang)
