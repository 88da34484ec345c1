"""Streamlit's own words, said in the reader's language.

Streamlit has no translation option: its file uploader says "Upload", "20MB per file" and, while a file is
dragged over it, "Drag and drop a file here", in English whatever the page's language. The main menu is
hidden by ``client.toolbarMode = "minimal"`` (``.streamlit/config.toml``); what remains is replaced here by
CSS: the English text is shrunk to nothing and the catalogue's text is drawn in its place with ``::after``
(the element keeps its role and its click target). The selectors are the test ids Streamlit 1.67 gives the
uploader's parts, and the class of the drag overlay (which has none); ``tests/test_browser.py`` checks the
result in Chromium, so an upgrade that renames them fails there rather than quietly showing English again.
"""

from __future__ import annotations

import streamlit as st

from housing.i18n import t

_DROPZONE = "[data-testid='stFileUploaderDropzone']"
# (selector of the element whose English text is replaced, catalogue key, font size of the replacement)
REPLACED: tuple[tuple[str, str, str], ...] = (
    (f"{_DROPZONE} button [data-testid='stMarkdownContainer'] p", "chrome.upload_button", "0.875rem"),
    (f"{_DROPZONE} [data-testid='stFileUploaderDropzoneInstructions'] span", "chrome.upload_limit", "0.875rem"),
    (f"{_DROPZONE} span.euud7oh2", "chrome.upload_drop", "1rem"),  # the overlay while a file is dragged over
)


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: quotes, backslashes, line breaks and ``<`` escaped (no ``</style>``)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return f'"{escaped}"'


def chrome_css(lang: str, upload_limit_mb: int) -> str:
    """The style sheet that puts the catalogue's words in place of Streamlit's English ones."""
    rules = []
    for selector, key, size in REPLACED:
        content = css_string(t(key, lang, limit=upload_limit_mb))
        rules.append(f"{selector} {{ font-size: 0 !important; }}")
        rules.append(f"{selector}::after {{ content: {content}; font-size: {size}; }}")
    return "\n".join(rules)


def apply_chrome(lang: str) -> None:
    """Inject the style sheet into the page (a style-only ``st.html`` takes no room on the page)."""
    limit = int(st.get_option("server.maxUploadSize"))
    st.html(f"<style>\n{chrome_css(lang, limit)}\n</style>")
