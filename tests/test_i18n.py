"""The catalogue is complete in both languages, and every key the code asks for exists."""

import re
import string
from pathlib import Path

import pytest

from housing.i18n import CATALOGUE, COUNT_PARAMS, LANGS, TEXTS, locale, plural, t

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    p
    for d in ("app.py", "views", "ui", "housing", "loaders")
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
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\b(?:t|md_t|plural)\(\s*["']([a-z0-9_.]+)["']""", text))
        used |= set(re.findall(r"""\bfmt_count\([^()]*?,\s*["']([a-z0-9_.]+)["']""", text))
        used |= set(re.findall(r"""title_key\s*=?\s*["']([a-z0-9_]+)["']""", text))
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
    assert set(TEXTS["zh"]) == set(TEXTS["en"]), set(TEXTS["zh"]) ^ set(TEXTS["en"])


def _forms(key: str, lang: str) -> dict[str, str]:
    entry = TEXTS[lang][key]
    return entry if isinstance(entry, dict) else {"other": entry}


@pytest.mark.parametrize("key", sorted(TEXTS["zh"]))
def test_every_form_of_both_languages_has_the_same_placeholders(key):
    forms = {
        **{f"zh.{f}": s for f, s in _forms(key, "zh").items()},
        **{f"en.{f}": s for f, s in _forms(key, "en").items()},
    }
    fields = {name: _fields(text) for name, text in forms.items()}
    assert len(set(map(frozenset, fields.values()))) == 1, f"{key}: placeholders differ: {fields}"


PLURAL_KEYS = sorted(k for k in TEXTS["zh"] if isinstance(TEXTS["zh"][k], dict) or isinstance(TEXTS["en"].get(k), dict))


@pytest.mark.parametrize("key", PLURAL_KEYS)
def test_plural_texts_have_exactly_the_forms_each_language_needs(key):
    for lang in LANGS:
        entry = TEXTS[lang][key]
        assert isinstance(entry, dict), f"{key} is plural in one language only"
        needed = set(locale(lang).plural_form.tags) | {"other"}  # en: one, other; zh: other
        assert set(entry) == needed, f"{key} ({lang}): forms {sorted(entry)}, needs {sorted(needed)}"
        assert _fields(entry["other"]) & set(COUNT_PARAMS), f"{key} ({lang}) does not show its count"


def test_there_are_plural_texts():
    assert {"count.projects", "count.days"} <= set(PLURAL_KEYS)


@pytest.mark.parametrize(
    ("key", "lang", "params", "expected"),
    [
        ("count.projects", "en", {"n": 1}, "1 project"),
        ("count.projects", "en", {"n": 3}, "3 projects"),
        ("count.projects", "zh", {"n": 1}, "1 个项目"),
        ("count.projects", "en", {"n": "1,200"}, "1,200 projects"),
        ("count.projects", "en", {"n": "—"}, "— projects"),
        (
            "hi_intro",
            "en",
            {"count": 1},
            "1 version. Versions are never edited or deleted; a rollback publishes a new version.",
        ),
    ],
)
def test_t_picks_a_plural_form_from_n(key, lang, params, expected):
    assert t(key, lang, **params) == expected


def test_dotted_keys_are_read_as_flat_keys():
    assert "chrome.upload_button" in TEXTS["zh"] and "chrome" not in TEXTS["zh"]
    assert plural("count.warnings", 1, "en") == "1 warning"


def _declared_texts() -> dict[str, set[str]]:
    """Each namespace's keys as the code that declares the data expects them."""
    from housing.datasets import SAMPLES
    from housing.issues import SEVERITY
    from housing.rules import RULES
    from housing.settings import SETTINGS
    from housing.stages import STAGES
    from loaders.template import DETAILS

    rules = {f"rule.{r.id}.{part}" for r in RULES for part in ("reason", "help")}
    rules |= {f"rule.{r.id}.{th.name}.help" for r in RULES for th in r.thresholds}
    rules |= {f"rule.{r.id}.reason_{variant}" for r in RULES for variant in r.variants}
    parts = ("header", "meaning", "format", "example")
    return {
        "issue.": {f"issue.{code}" for code in SEVERITY},
        "rule.": rules,
        "stage.": {f"stage.{s.id}" for s in STAGES},
        "setting.": {f"setting.{s.key}" for s in SETTINGS},
        "region.": {f"region.{s.id}" for s in SAMPLES.values()},
        "tpl.col.": {f"tpl.col.{c.field}.{part}" for c in DETAILS for part in parts},
    }


@pytest.mark.parametrize("prefix", ["issue.", "rule.", "stage.", "setting.", "region.", "tpl.col."])
def test_each_declared_thing_has_exactly_its_texts(prefix):
    """A problem code, rule, stage, setting, sample or template column without its text (or a text left over
    from one that was removed) fails here, not in front of a user."""
    declared = _declared_texts()[prefix]
    in_catalogue = {k for k in TEXTS["zh"] if k.startswith(prefix) and not k.startswith("issue.word.")}
    assert declared == in_catalogue, declared ^ in_catalogue


@pytest.mark.parametrize(
    ("params", "lang", "expected"),
    [
        ({"unit_zh": "万平方米", "unit_en": "10,000 m²"}, "zh", "列名未注明面积单位，按数值大小推断为万平方米"),
        (
            {"unit_zh": "万平方米", "unit_en": "10,000 m²"},
            "en",
            "The header gives no area unit; read as 10,000 m² from",
        ),
    ],
)
def test_an_issue_stored_with_params_in_both_languages_reads_in_either(params, lang, expected):
    from housing.issues import Issue, both_languages

    issue = Issue("area_unit_guessed", "项目", None, "面积", "", params)
    assert issue.message(lang).startswith(expected)
    assert both_languages("unit", "issue.word.wan_m2") == params  # what the loader stores today


@pytest.mark.parametrize("lang", LANGS)
def test_no_hand_made_plural_is_left(lang):
    """Counts take a plural form from Babel's rules, never "(s)" or a noun fixed after a number placeholder."""
    texts = [(k, s) for k, e in TEXTS[lang].items() for s in ([e] if isinstance(e, str) else e.values())]
    assert [k for k, s in texts if "(s)" in s] == []
    if lang == "en":
        fixed = re.compile(r"\{(?:n|count)\} (?:project|household|version|error|warning|day|column|cell|row|sheet)s\b")
        assert [k for k, s in texts if fixed.search(s) and not isinstance(TEXTS[lang][k], dict)] == []
