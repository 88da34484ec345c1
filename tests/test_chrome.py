"""The style sheet that replaces Streamlit's English uploader words with the catalogue's."""

import re

import pytest

from housing.i18n import t
from ui.chrome import REPLACED, chrome_css, css_string


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("选择文件", '"选择文件"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("a\\b", '"a\\\\b"'),
        ("</style><script>", '"\\3C /style>\\3C script>"'),
        ("two\nlines", '"two\\A lines"'),
    ],
)
def test_css_string_quotes_and_escapes(text, quoted):
    assert css_string(text) == quoted


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_replaced_part_is_hidden_and_given_the_catalogues_words(lang):
    css = chrome_css(lang, 20)
    for selector, key, _ in REPLACED:
        assert f"{selector} {{ font-size: 0 !important; }}" in css
        assert f"{selector}::after {{ content: {css_string(t(key, lang, limit=20))};" in css
    assert "20 MB" in css
    assert "</style" not in css.lower()


def test_chinese_sheet_has_no_english_words():
    shown = re.findall(r'content: "([^"]*)"', chrome_css("zh", 20))
    assert len(shown) == len(REPLACED)
    assert not any(re.search(r"[A-Za-z]{2,}", text.replace("MB", "")) for text in shown), shown
