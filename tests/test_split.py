"""How a long table's rows are shared out over slides (briefing/split.py): as many slides as filling them
takes, the rows as evenly as their heights allow, every row once and in order."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing import blocks as B
from briefing.split import balanced_runs, notes_after

N = 30  # rows of height 1 a slide holds


@pytest.mark.parametrize(
    ("rows", "first_room", "room", "expected"),
    [
        (0, N, N, []),
        (1, N, N, [1]),
        (N - 1, N, N, [N - 1]),
        (N, N, N, [N]),  # exactly one slide full: no continuation
        (N + 1, N, N, [16, 15]),  # not 30 + 1
        (N + 2, N, N, [16, 16]),
        (2 * N, N, N, [N, N]),
        (2 * N + 1, N, N, [21, 20, 20]),  # not 30 + 30 + 1
        (3 * N + 1, N, N, [23, 23, 23, 22]),
        (7, 3, 3, [3, 2, 2]),  # not 3 + 3 + 1
        (36, 5, N, [5, 16, 15]),  # a short first slide: the rest shared out, not 5 + 30 + 1
        (31, 40, N, [31]),  # a roomier first slide holds them all
        (3, 0.5, N, [1, 2]),  # no room for even one row: one row anyway (a row is never cut)
    ],
)
def test_rows_are_shared_out_evenly_over_the_slides_filling_would_take(rows, first_room, room, expected):
    runs = balanced_runs([1.0] * rows, first_room, room)
    assert [len(r) for r in runs] == expected


@pytest.mark.parametrize(
    ("rows", "tail", "expected"),
    [
        (28, 2, [28]),  # the note fits under the last row
        (29, 2, [15, 14]),  # it does not: not 29 and then the note alone, nor 28 + 1
        (30, 2, [15, 15]),
        (31, 0.5, [16, 15]),
        (1, 40, [1]),  # one row and a note taller than a slide: the row is not held back (nothing to share)
        (0, 2, []),
    ],
)
def test_the_last_slide_keeps_room_for_the_note_after_the_table(rows, tail, expected):
    runs = balanced_runs([1.0] * rows, N, N, tail)
    assert [len(r) for r in runs] == expected


@pytest.mark.parametrize(
    ("heights", "room", "expected"),
    [
        ([5.0, 1, 1, 1], 4, [1, 3]),  # a row taller than a slide gets one to itself, never cut
        ([3.0, 3, 1, 1, 1], 4, [1, 2, 2]),  # filling: 1 + 2 + 2 as well (3 + 3 > 4); shared as the heights let it
        ([1.0, 1, 1, 1, 3], 4, [3, 2]),  # filling: 4 + 1; shared: 3 + 2, the tall row with company
    ],
)
def test_uneven_rows_never_take_more_slides_than_filling(heights, room, expected):
    runs = balanced_runs(heights, room, room)
    assert [len(r) for r in runs] == expected


def filled(heights: list[float], first_room: float, room: float) -> int:
    """How many slides filling each to the brim takes (the plan ``balanced_runs`` must not exceed)."""
    slides, used, space = 1, 0.0, first_room
    for h in heights:
        if used + h > space and used > 0:
            slides, used, space = slides + 1, 0.0, room
        used += h
    return slides if heights else 0


@given(
    st.lists(st.floats(0.1, 6.0), max_size=120),
    st.floats(0.5, 30.0),
    st.floats(2.0, 30.0),
)
@settings(max_examples=300, deadline=None)
def test_every_row_once_in_order_each_run_fits_and_no_extra_slide(heights, first_room, room):
    runs = balanced_runs(heights, first_room, room)
    assert [i for run in runs for i in run] == list(range(len(heights)))  # the sum and the order kept
    assert all(len(run) >= 1 for run in runs)
    for number, run in enumerate(runs):
        space = first_room if number == 0 else room
        assert len(run) == 1 or sum(heights[i] for i in run) <= space + 1e-9  # fits, or one row alone
    assert len(runs) == filled(heights, first_room, room)


@given(st.integers(0, 400), st.integers(1, 40))
@settings(max_examples=300, deadline=None)
def test_rows_of_one_height_differ_by_at_most_one_row_between_slides(rows, per_slide):
    runs = balanced_runs([1.0] * rows, per_slide, per_slide)
    sizes = [len(r) for r in runs]
    assert len(runs) == -(-rows // per_slide)
    assert not sizes or max(sizes) - min(sizes) <= 1


def test_the_notes_right_after_a_block_are_its_tail():
    note, other, table = B.Note("另有 263 个"), B.Note("来源"), B.Table("t", (), ())
    blocks = (B.Note("首"), table, note, other, table, note)
    assert notes_after(blocks, 1) == [note, other] and notes_after(blocks, 4) == [note]
    assert notes_after(blocks, 5) == [] and notes_after((table, table, note), 0) == []
