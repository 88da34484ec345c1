"""Estimating how much room text takes, for the deck's layout (PowerPoint wraps text itself, but a slide
does not grow: the deck must know beforehand how many table rows fit and when to continue on a new slide).

The estimates are deliberately generous (a wide Latin glyph, a little slack for word wrapping), because a
table that runs off the slide is worse than one that ends a row early.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

POINTS_PER_INCH = 72
LINE_SPACING = 1.25  # line height as a multiple of the font size; the deck sets it exactly on every paragraph
# (single spacing depends on the face: 1.32 for YaHei, 1.45 for Noto CJK, which LibreOffice substitutes)
WRAP_SLACK = 1.08  # word wrapping leaves part of a line empty
WIDE, NARROW, SPACE = 1.0, 0.62, 0.3  # glyph advance in ems


BOUNDARY = 0.25  # LibreOffice puts this much space where CJK text meets Latin letters or digits


def em_width(text: str) -> float:
    """The width of ``text`` in ems: CJK and full-width characters 1, spaces 0.3, other glyphs 0.62, plus
    the gap LibreOffice adds between CJK and Latin text (PowerPoint does not: there it is slack)."""
    advances = [_advance(char) for char in text]
    boundaries = sum(1 for a, b in zip(advances, advances[1:]) if SPACE not in (a, b) and (a == WIDE) != (b == WIDE))
    return sum(advances) + boundaries * BOUNDARY


def _advance(char: str) -> float:
    if char == " ":
        return SPACE
    return WIDE if unicodedata.east_asian_width(char) in ("W", "F") else NARROW


def text_width(text: str, size_pt: float) -> float:
    """The width in inches of the widest line of ``text`` set at ``size_pt`` points, without wrapping."""
    return max((em_width(line) for line in text.split("\n")), default=0.0) * size_pt / POINTS_PER_INCH


def line_count(text: str, width_in: float, size_pt: float) -> int:
    """How many lines ``text`` takes when wrapped into ``width_in`` inches at ``size_pt`` points."""
    per_line = max(width_in, 0.1) * POINTS_PER_INCH / size_pt  # ems per line
    return sum(max(1, math.ceil(em_width(part) * WRAP_SLACK / per_line)) for part in text.split("\n"))


def text_height(text: str, width_in: float, size_pt: float) -> float:
    """The height in inches of ``text`` wrapped into ``width_in`` inches at ``size_pt`` points."""
    return line_count(text, width_in, size_pt) * size_pt * LINE_SPACING / POINTS_PER_INCH


def fit_widths(natural: Sequence[float], minimum: Sequence[float], available: float) -> list[float]:
    """Column widths filling ``available``: narrow columns keep their natural width, the widest columns are
    capped at one common width (water-filling) so long texts wrap there; never below ``minimum``."""
    wanted = [max(n, m) for n, m in zip(natural, minimum)]
    if sum(wanted) <= available:
        scale = available / sum(wanted) if sum(wanted) else 1.0
        return [w * scale for w in wanted]
    cap = _cap(wanted, minimum, available)
    return [max(min(w, cap), m) for w, m in zip(wanted, minimum)]


def _cap(wanted: Sequence[float], minimum: Sequence[float], available: float) -> float:
    """The common cap c with sum(max(min(w, c), m)) == available, found by bisection."""
    low, high = 0.0, max(wanted)
    for _ in range(50):
        middle = (low + high) / 2
        if sum(max(min(w, middle), m) for w, m in zip(wanted, minimum)) > available:
            high = middle
        else:
            low = middle
    return low
