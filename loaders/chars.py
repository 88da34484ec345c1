"""Characters that must not reach the database, a terminal or a reader's eye unseen, and how to show them.

A cell can hold characters nobody typed on purpose: NUL (PostgreSQL refuses it in text), other control
characters (ESC starts a terminal escape sequence, C1 ``\\x9b`` is one on its own), bidi overrides and
isolates that make ``abc\\u202eexe.xlsx`` display as ``abcxlsx.exe``, and zero-width characters or stray
byte-order marks pasted from web pages that make two equal-looking names differ. ``clean`` removes them;
``visible`` shows them as ``\\x00`` / ``U+202E`` so a message can say what was there.

Tab, line feed and carriage return are ordinary whitespace in a cell and are left to the callers (the
loader collapses whitespace in text cells); ``visible(..., lines=True)`` shows them too, for one-line output.
"""

from __future__ import annotations

import re

# C0 controls but tab/LF/CR, DEL and C1 controls; Arabic letter mark; zero-width space/non-joiner/joiner and
# left-to-right/right-to-left marks; bidi embeddings and overrides (U+202A-U+202E); word joiner and invisible
# operators; bidi isolates (U+2066-U+2069); the BOM / zero-width no-break space; interlinear annotation marks;
# lone surrogates (no encoder takes them); tag characters.
_UNSAFE_CLASS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f"
)
UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
_UNSAFE_OR_LINE = re.compile(f"[{_UNSAFE_CLASS}\t\n\r\u2028\u2029]")


# Every unsafe character is non-printable (Unicode categories Cc, Cf, Cs, Cn), so ``str.isprintable`` (one C loop,
# ~20x faster than the regular expression) clears almost every cell; a test checks the premise.


def has_unsafe(text: str) -> bool:
    """Whether ``text`` holds a character ``clean`` would remove."""
    return not text.isprintable() and UNSAFE.search(text) is not None


def clean(text: str) -> str:
    """``text`` without control, bidi-override, zero-width and BOM characters (tab and line breaks stay)."""
    return text if text.isprintable() else UNSAFE.sub("", text)


def _shown(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"U+{code:04X}"


def visible(text: str, lines: bool = False) -> str:
    """``text`` with each unsafe character written out (``\\x00``, ``\\x1b``, ``U+202E``); with ``lines``
    also tab and line breaks, so the result stays on one line of a terminal table."""
    return (_UNSAFE_OR_LINE if lines else UNSAFE).sub(_shown, text)


def listed(text: str) -> str:
    """The distinct unsafe characters of ``text`` written out, in order of first appearance: ``\\x00, U+202E``."""
    return ", ".join(dict.fromkeys(_shown(m) for m in UNSAFE.finditer(text)))
