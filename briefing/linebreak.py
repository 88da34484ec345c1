"""Where a line of Chinese text may break (禁则), for renderers that wrap character by character.

Chinese has no spaces between words, so a PDF writer breaks a line wherever the next character no longer fits;
left alone it starts lines with "、" or "）" and splits "1,234" or "2021-03-31" across two lines. The rules
below are the ones a typesetter applies: no line starts with closing punctuation or a unit sign, none ends with
an opening bracket, and a run of digits and Latin letters (a figure, a date, a code) stays whole. When a break
is not allowed where the line is full, the line ends earlier (the characters move down to the next line); a run
too long for a whole line is broken where it overflows.
"""

from __future__ import annotations

from collections.abc import Callable

# Closing punctuation, full and half width, and the signs that trail a figure: never at the start of a line.
NO_LINE_START = frozenset("、。，．,.：:；;！!？?）)］]｝}」』】》〉〕〗％%‰…‥—～·’”")
# Opening brackets and quotes: never at the end of a line.
NO_LINE_END = frozenset("（(［[｛{「『【《〈〔〖‘“")
# Characters of a figure, a date or a Latin word: a run of them is kept on one line.
_RUN = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,%+-/:_")


def breakable(before: str, after: str) -> bool:
    """Whether a line may end after ``before`` and the next start with ``after``."""
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    return not (before in _RUN and after in _RUN)


def wrap_lines(text: str, width: float, char_width: Callable[[str], float]) -> list[str]:
    """``text`` as lines no wider than ``width`` (widths from ``char_width``, additive: no kerning), broken only
    where ``breakable`` allows when it can be; line breaks already in the text are kept."""
    return [line for paragraph in text.split("\n") for line in _paragraph(paragraph, width, char_width)]


def _paragraph(text: str, width: float, char_width: Callable[[str], float]) -> list[str]:
    lines, start, used, i = [], 0, 0.0, 0
    while i < len(text):
        step = char_width(text[i])
        if used + step > width and i > start:  # text[i] does not fit: end the line at the best break before it
            cut = _last_break(text, start, i)
            lines.append(text[start:cut])
            start, used, i = cut, 0.0, cut
            continue
        used += step
        i += 1
    lines.append(text[start:])
    return lines


def _last_break(text: str, start: int, end: int) -> int:
    """The latest position in (start, end] where the line may end; ``end`` if none (an unbreakable run)."""
    for cut in range(end, start, -1):
        if breakable(text[cut - 1], text[cut]):
            return cut
    return end
