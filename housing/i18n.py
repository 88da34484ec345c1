"""The catalogue of user-facing text: one file per language, Chinese first and English too.

The texts live in ``housing/locales/zh.toml`` and ``housing/locales/en.toml`` (same keys in both), so a
translator edits one file per language and every renderer (pages, decks, PDFs, the phone) reads the same
words. Keys are flat (``as_of_caption``) or namespaced with TOML dotted keys (``issue.password``,
``rule.overdue.reason``, ``stage.handover``), read here as one flat key each. ``t(key, lang, **params)``
looks a text up and fills its ``{placeholders}``.

A text that depends on a count is a table of CLDR plural forms (``{one = "{n} project", other = "{n}
projects"}``; Chinese needs only ``other``): ``plural(key, count, lang)`` picks the form with Babel's plural
rules (``t`` does the same, from the text's ``n`` or ``count`` param). A test checks that both catalogues
have the same keys, the same placeholders and the plural forms each language needs, and that every key the
code uses exists.
"""

from __future__ import annotations

import decimal
import tomllib
from functools import lru_cache
from pathlib import Path

from babel import Locale

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LOCALES = Path(__file__).with_name("locales")
BABEL_LOCALES = {"zh": "zh_CN", "en": "en"}  # the Babel (CLDR) locale of each interface language
PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})  # CLDR's plural categories

Entry = str | dict[str, str]  # a text, or a text per plural form
COUNT_PARAMS = ("n", "count")  # the param whose number picks a plural text's form, in order


def _is_plural(value) -> bool:
    """Whether a TOML table is one text's plural forms rather than a namespace of keys."""
    return isinstance(value, dict) and bool(value) and set(value) <= PLURAL_FORMS


def _flatten(table: dict, prefix: str = "") -> dict[str, Entry]:
    """TOML's nested tables (from dotted keys) as flat keys: ``{"issue": {"password": …}}`` → ``issue.password``."""
    out: dict[str, Entry] = {}
    for name, value in table.items():
        if isinstance(value, dict) and not _is_plural(value):
            out.update(_flatten(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = value
    return out


def _read_catalogue(lang: str) -> dict[str, Entry]:
    with (LOCALES / f"{lang}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def _lang(lang: str) -> str:
    """``en`` for English, else the default language (Chinese)."""
    return "en" if lang == "en" else DEFAULT_LANG


def _text(entry: Entry, form: str = "other") -> str:
    """A text entry's string (a plural entry's ``form``, falling back to ``other``)."""
    return entry if isinstance(entry, str) else entry.get(form, entry["other"])


TEXTS: dict[str, dict[str, Entry]] = {lang: _read_catalogue(lang) for lang in LANGS}
# key -> (Chinese, English): the pairs' view of the two catalogues, plural texts by their ``other`` form
# (keys missing in English fall back to "").
CATALOGUE: dict[str, tuple[str, str]] = {
    key: (_text(zh), _text(TEXTS["en"].get(key, ""))) for key, zh in TEXTS["zh"].items()
}


@lru_cache(maxsize=8)
def locale(lang: str) -> Locale:
    """The Babel locale of an interface language (``zh_CN`` or ``en``)."""
    return Locale.parse(BABEL_LOCALES[_lang(lang)])


def plural_form(count, lang: str) -> str:
    """The CLDR plural category of ``count`` in ``lang``: ``one`` or ``other`` in English, ``other`` in Chinese."""
    return _plural_category(str(count), _lang(lang))


@lru_cache(maxsize=16_384)
def _plural_category(shown: str, lang: str) -> str:
    # Remembered by the count as written: a register's reasons quote the same few hundred day counts, and
    # Babel's rule evaluation costs about 15 µs a call.
    try:
        number = decimal.Decimal(shown.replace(",", ""))  # "1.5" and "1,200" as shown keep their digits
    except decimal.InvalidOperation:
        return "other"  # not a number ("—"): the general form
    return locale(lang).plural_form(number)


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """The text for ``key`` in ``lang`` (``zh`` or ``en``), with ``params`` filled in.

    A plural text takes its form from its count: the ``n`` param, else ``count`` (``other`` without either)."""
    entry = TEXTS[_lang(lang)][key]
    count = next((params[name] for name in COUNT_PARAMS if name in params), None)
    form = plural_form(count, lang) if isinstance(entry, dict) and count is not None else "other"
    return _text(entry, form).format(**params)


def template(key: str, lang: str = DEFAULT_LANG) -> str:
    """The text for ``key`` in ``lang`` with its ``{placeholders}`` unfilled (a plural text's ``other`` form)."""
    return _text(TEXTS[_lang(lang)][key])


def plural(key: str, count, lang: str, **params) -> str:
    """A plural text in the form ``count`` needs; ``{n}`` is ``count`` unless ``params`` gives it as shown."""
    entry = TEXTS[_lang(lang)][key]
    return _text(entry, plural_form(count, lang)).format(**{"n": count, **params})


def status_label(status: str, lang: str) -> str:
    """The display name of a status."""
    return t(f"status_{status}", lang)


def in_both(key: str, **params) -> str:
    """``key`` in Chinese, then in English: for what is said before the user's language is known (a command
    line's usage error, which argparse reports before ``--lang`` is read)."""
    return f"{t(key, 'zh', **params)} / {t(key, 'en', **params)}"
