"""How a long table's rows are split across the slides or pages it runs over (the deck and the PDF alike).

Filling each slide as full as it goes leaves a 31-row table on 30 rows and then a slide with one row, under a
repeated header and a "continued" title: a slide a meeting turns to for nothing. ``balanced_runs`` takes as
many slides as filling them would, no more, and shares the rows out evenly among them (16 + 15), each run of
rows fitting the room of its slide; a row taller than a whole slide still gets a slide of its own (a row is
never cut). ``tail`` is the height of what follows the table on its slide (the note counting the rows left
out): the last slide keeps room for it, so it never stands alone on a slide of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefing import blocks as B


def balanced_runs(heights: Sequence[float], first_room: float, room: float, tail: float = 0.0) -> list[range]:
    """The rows (by index) each slide shows, in order: ``heights`` of the rows, ``first_room`` the height the
    first slide has for them, ``room`` that of every continuation slide, ``tail`` what the last one also holds
    after them. As many slides as filling each to the brim takes; as near the same number of rows on each as
    the rows' heights allow."""
    full = _runs(heights, first_room, room, tail)
    if len(full) <= 1:
        return full
    even = _runs(heights, first_room, room, tail, slides=len(full))
    return even if len(even) <= len(full) else full  # rows too uneven to share out: filled to the brim


def _runs(
    heights: Sequence[float], first_room: float, room: float, tail: float = 0.0, slides: int | None = None
) -> list[range]:
    """Consecutive runs of rows, each fitting its slide's room: as many rows as fit (``slides`` None), or at
    most an equal share of the rows left among the ``slides`` left (a slide that took fewer, for a tall row or
    a short first slide, leaves the rest shared out evenly again)."""
    out: list[range] = []
    start = 0
    while start < len(heights):
        left = len(heights) - start
        most = left if slides is None else -(-left // max(slides - len(out), 1))
        end = _fit(heights, start, first_room if not out else room, most, tail)
        out.append(range(start, end))
        start = end
    return out


def _fit(heights: Sequence[float], start: int, room: float, most: int, tail: float = 0.0) -> int:
    """The end of the run from ``start``: at most ``most`` rows that fit in ``room``, and at least one; a run
    that would end the table leaves ``tail`` free as well, or a row for the next slide to keep the tail company."""
    end, used = start, 0.0
    while end < len(heights) and end - start < most and used + heights[end] <= room:
        used += heights[end]
        end += 1
    if end == len(heights) and end - start > 1 and used + tail > room:
        end -= 1
    return max(end, start + 1)


def notes_after(blocks: Sequence[B.Block], index: int) -> list[B.Note]:
    """The notes right after ``blocks[index]`` (a table's count of the rows it leaves out): its ``tail``."""
    notes: list[B.Note] = []
    for block in blocks[index + 1 :]:
        if not isinstance(block, B.Note):
            break
        notes.append(block)
    return notes
