"""Estimating how much room text takes, for the deck's layout (PowerPoint wraps text itself, but a slide
does not grow: the deck must know beforehand how many table rows fit and when to continue on a new slide).

The estimates are deliberately generous (a wide Latin glyph, a little slack for word wrapping), because a
table that runs off the slide is worse than one that ends a row early.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

POINTS_PER_INCH = 72
LINE_SPACING = 1.25  # line height as a multiple of the font size; the deck sets it exactly on every paragraph
# (single spacing depends on the face: 1.32 for YaHei, 1.45 for Noto CJK, which LibreOffice substitutes)
WRAP_SLACK = 1.06  # glyph metrics differ between faces, and CJK punctuation may not start a line
WIDE, NARROW, LOWER, SPACE = 1.0, 0.62, 0.56, 0.3  # glyph advance in ems (DejaVu Sans, the widest we meet)
BOUNDARY = 0.25  # LibreOffice puts this much space where CJK text meets Latin letters or digits
BOLD = 1.2  # bold glyphs are this much wider (DejaVu Sans Bold, which LibreOffice substitutes, is wide)


def em_width(text: str) -> float:
    """The width of ``text`` in ems: CJK and full-width characters 1, spaces 0.3, lower case 0.56, other
    glyphs 0.62, plus the gap LibreOffice adds between CJK and Latin text (in PowerPoint it is slack)."""
    advances = [_advance(char) for char in text]
    boundaries = sum(1 for a, b in zip(advances, advances[1:]) if SPACE not in (a, b) and (a == WIDE) != (b == WIDE))
    return sum(advances) + boundaries * BOUNDARY


def _advance(char: str) -> float:
    if char == " ":
        return SPACE
    if _wide(char):
        return WIDE
    return LOWER if char.islower() else NARROW


def _wide(char: str) -> bool:
    # "A" (ambiguous: ▲ ● ■ ✔ ·) are full width in the CJK faces the deck and the PDF use
    return unicodedata.east_asian_width(char) in ("W", "F", "A")


@dataclass(frozen=True)
class Span:
    """One paragraph measured once: its width in ems and what a wrapped line loses on average (half a Latin
    word, which moves whole to the next line; nothing for CJK text, which breaks between any characters)."""

    em: float
    waste: float


def span(text: str, bold: bool = False) -> Span:
    """Measure one paragraph (bold text is wider)."""
    words = [em_width(word) for word in text.split() if not any(_wide(char) for char in word)]
    scale = BOLD if bold else 1.0
    return Span(em_width(text) * scale, (sum(words) / len(words) / 2 * scale) if words else 0.0)


def span_lines(measured: Span, width_in: float, size_pt: float) -> int:
    """How many lines a measured paragraph takes in ``width_in`` inches at ``size_pt`` points."""
    per_line = max(width_in, 0.1) * POINTS_PER_INCH / size_pt  # ems per line
    if measured.em * WRAP_SLACK <= per_line + 1e-6:
        return 1  # fits: no line is wrapped, nothing wasted
    usable = max(per_line - measured.waste, per_line / 2)
    return max(1, math.ceil(measured.em * WRAP_SLACK / usable))


def text_width(text: str, size_pt: float) -> float:
    """The width in inches of the widest line of ``text`` set at ``size_pt`` points, without wrapping."""
    return max((em_width(line) for line in text.split("\n")), default=0.0) * size_pt / POINTS_PER_INCH


def line_count(text: str, width_in: float, size_pt: float, bold: bool = False) -> int:
    """How many lines ``text`` takes when wrapped into ``width_in`` inches at ``size_pt`` points."""
    return sum(span_lines(span(part, bold), width_in, size_pt) for part in text.split("\n"))


def text_height(text: str, width_in: float, size_pt: float, bold: bool = False) -> float:
    """The height in inches of ``text`` wrapped into ``width_in`` inches at ``size_pt`` points."""
    return line_count(text, width_in, size_pt, bold) * size_pt * LINE_SPACING / POINTS_PER_INCH


@dataclass(frozen=True)
class Grid:
    """A table's texts for sizing: the header (set bold) and body texts by row, at ``size_pt`` with ``pad``
    inches of cell padding (left + right)."""

    rows: Sequence[Sequence[str]]  # the header first
    size_pt: float
    pad: float
    keep: Sequence[bool] = ()  # per column: its body texts stay on one line (dates, figures, statuses)

    def spans(self) -> list[list[Span]]:
        return [[span(text, bold=i == 0) for text in row] for i, row in enumerate(self.rows)]


MIN_COLUMN, MAX_WORD = 1.2, 1.6  # inches: a status, a date or a short name is never wrapped
LOOKAHEAD = (1, 3, 9, 27)  # slices tried at once: one slice often saves no line, several may


def shortest_widths(grid: Grid, available: float, steps: int = 120) -> list[float]:
    """Column widths filling ``available`` that keep the table short: each column starts at its minimum (its
    longest word, at least ``MIN_COLUMN`` unless its text is shorter) and the rest of the width goes, a few
    slices at a time, to the column where it saves the most total row height (long reasons beat a name)."""
    spans = grid.spans()
    natural = [max(s.em for s in col) * grid.size_pt / POINTS_PER_INCH * WRAP_SLACK + grid.pad for col in zip(*spans)]
    if sum(natural) <= available:
        return [w * available / sum(natural) for w in natural]
    words = [min(w, MAX_WORD) for w in _longest_words(grid)]  # CJK text has no spaces: it breaks anywhere
    widths = [min(n, max(MIN_COLUMN, w)) for n, w in zip(natural, words)]
    for j, whole in enumerate(_one_line_widths(grid, spans)):
        if j < len(grid.keep) and grid.keep[j]:
            widths[j] = max(widths[j], whole)
    if sum(widths) > available:  # many columns: every one narrower than it would like
        return [w * available / sum(widths) for w in widths]
    step = max(available - sum(widths), 0.0) / steps
    left = steps if step > 0 else 0
    while left > 0:
        column, taken = _best_move(spans, widths, natural, step, min(left, LOOKAHEAD[-1]), grid)
        widths[column] += taken * step
        left -= taken
    return widths


def _one_line_widths(grid: Grid, spans: list[list[Span]]) -> list[float]:
    """Per column, the width that keeps every body text on one line (the header may still wrap)."""
    body = [max((s.em for s in col[1:]), default=0.0) for col in zip(*spans)]
    return [em * grid.size_pt / POINTS_PER_INCH * WRAP_SLACK + grid.pad + 1e-6 for em in body]


def _longest_words(grid: Grid) -> list[float]:
    """Per column, the widest word of any text (Latin text wraps only between words), with padding."""
    words = [
        max(
            (em_width(word) * (BOLD if i == 0 else 1.0) for i, text in enumerate(col) for word in text.split()),
            default=0.0,
        )
        for col in zip(*grid.rows)
    ]
    return [w * grid.size_pt / POINTS_PER_INCH * WRAP_SLACK + grid.pad for w in words]


def _best_move(
    spans: list[list[Span]], widths: list[float], natural: list[float], step: float, most: int, grid: Grid
) -> tuple[int, int]:
    """(column, slices): the widening that saves the most row height per slice; when none saves any yet,
    one slice to the column nearest to fitting its longest text (dates and figures stop wrapping first)."""
    lines = [[span_lines(s, w - grid.pad, grid.size_pt) for s, w in zip(row, widths)] for row in spans]
    best, best_key = (0, 1), (-1.0, -1e9)
    for j, width in enumerate(widths):
        if width >= natural[j]:
            continue
        for k in (k for k in LOOKAHEAD if k <= most):
            wider = width + k * step - grid.pad
            saved = sum(
                max(row) - max([*row[:j], span_lines(spans[i][j], wider, grid.size_pt), *row[j + 1 :]])
                for i, row in enumerate(lines)
            )
            key = (saved / k, width - natural[j])
            if key > best_key:
                best, best_key = (j, k if saved else 1), key
    return best
