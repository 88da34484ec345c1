"""How a long table's rows are split across the slides or pages it runs over (the deck and the PDF alike).

Filling each slide as full as it goes leaves a 31-row table on 30 rows and then a slide with one row, under a
repeated header and a "continued" title: a slide a meeting turns to for nothing. ``balanced_runs`` takes as
many slides as filling them would, no more, and shares the rows out evenly among them (16 + 15), each run of
rows fitting the room of its slide; a row taller than a whole slide still gets a slide of its own (a row is
never cut).
"""

from __future__ import annotations

from collections.abc import Sequence


def balanced_runs(heights: Sequence[float], first_room: float, room: float) -> list[range]:
    """The rows (by index) each slide shows, in order: ``heights`` of the rows, ``first_room`` the height the
    first slide has for them, ``room`` that of every continuation slide. As many slides as filling each to the
    brim takes; as near the same number of rows on each as the rows' heights allow."""
    full = _runs(heights, first_room, room)
    if len(full) <= 1:
        return full
    even = _runs(heights, first_room, room, slides=len(full))
    return even if len(even) <= len(full) else full  # rows too uneven to share out: filled to the brim


def _runs(heights: Sequence[float], first_room: float, room: float, slides: int | None = None) -> list[range]:
    """Consecutive runs of rows, each fitting its slide's room: as many rows as fit (``slides`` None), or at
    most an equal share of the rows left among the ``slides`` left (a slide that took fewer, for a tall row or
    a short first slide, leaves the rest shared out evenly again)."""
    out: list[range] = []
    start = 0
    while start < len(heights):
        left = len(heights) - start
        most = left if slides is None else -(-left // max(slides - len(out), 1))
        end = _fit(heights, start, first_room if not out else room, most)
        out.append(range(start, end))
        start = end
    return out


def _fit(heights: Sequence[float], start: int, room: float, most: int) -> int:
    """The end of the run from ``start``: at most ``most`` rows that fit in ``room``, and at least one."""
    end, used = start, 0.0
    while end < len(heights) and end - start < most and used + heights[end] <= room:
        used += heights[end]
        end += 1
    return max(end, start + 1)
