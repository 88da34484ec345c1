"""User text made inert before Streamlit or Plotly renders it.

Streamlit renders Markdown (GitHub-flavoured, with its own directives such as ``:red[…]``) in ``st.markdown``,
captions, titles, headers, alerts, metric labels, values and deltas, widget labels, help tooltips, button and
radio labels, expander and tab labels. A project, district, street, stage, note, unit, uploader, file name or
comment written by a user, or a value from the URL, must show as the characters typed, never as a link, an
image fetched from elsewhere or markup. Plotly renders a small HTML subset (``<a href>``, ``<b>``, ``<br>``) in
tick labels, text and hover labels.

``md_escape`` is for the first, ``plot_escape`` for the second; ``md_t`` fills a catalogue text's ``{params}``
with escaped user text (the catalogue's own Markdown stays Markdown) and ``md_list`` joins escaped names.
``st.dataframe`` cells are drawn as plain text on a canvas and need no escaping (``st.table`` would render
Markdown; the app has none), and select-box options are plain text too.
"""

from __future__ import annotations

import html
import re

from briefing.charts import plot_escape  # noqa: F401  (re-exported: it lives with the figures)
from housing.fmt import fmt_list
from housing.i18n import t

# Every ASCII punctuation character: CommonMark lets any of them be backslash-escaped, and escaping them all
# covers links, images, emphasis, code, HTML, ``<…>`` autolinks, headings, lists, tables, LaTeX (``$``) and
# Streamlit's directives (``:red[…]``, ``:material/…:``) without having to list them.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Line breaks (and other vertical whitespace) would start a new block: a heading, a list, a quote.
_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
# GitHub's autolink literals (``http://…``, ``www.…``, ``a@b.c``) are found in the text *after* escapes are
# resolved (Streamlit's remark-gfm: /(https?:\/\/|www(?=\.))…/gi and /…@[-\w]+(\.[-\w]+)+/), so no backslash
# stops them; an invisible word joiner after ``http:``, ``www`` or ``@`` does.
_AUTOLINK = re.compile(r"(?i)https?:(?=//)|www(?=\.)|@")
WORD_JOINER = "\u2060"


def md_escape(text: object) -> str:
    """``text`` as a Markdown string that renders as its characters, on one line (``None``: empty).

    A URL or e-mail address in it gets an invisible word joiner, so it shows but never becomes a link.
    """
    if text is None:
        return ""
    unlinked = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, _BREAKS.sub(" ", str(text)))
    return _PUNCTUATION.sub(r"\\\1", unlinked)


def md_t(key: str, lang: str, **params: object) -> str:
    """The catalogue text ``key`` in ``lang`` with every parameter escaped by ``md_escape``."""
    return t(key, lang, **{name: md_escape(value) for name, value in params.items()})


def md_list(items, lang: str) -> str:
    """Names as one line (``housing.fmt.fmt_list``), each escaped by ``md_escape``; the separators stay plain."""
    return fmt_list([md_escape(item) for item in items], lang)


# A date inside a sentence (a reason: "已逾期 31 天（计划 2021年3月31日）", "deadline 2021-03-31"): Chinese text may
# break between any two characters and English at a hyphen, which split dates over two lines (2023年3 / 月6日).
_DATE_IN_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月\d{1,2}日")


def html_text(text: object) -> str:
    """Workbook or catalogue text as inert HTML text (escaped, never markup), each date in it kept on one line."""
    escaped = html.escape("" if text is None else str(text))
    return _DATE_IN_TEXT.sub(lambda m: f'<span style="white-space:nowrap">{m.group(0)}</span>', escaped)
