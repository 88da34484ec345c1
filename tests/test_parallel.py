"""Work shared with a forked helper (``loaders.parallel``): its answer is used when it gives one, the work is
done here when it does not, and inside a limited worker the two share the worker's one budget."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from loaders import parallel
from loaders.sandbox import LimitExceeded, Limits, run_limited
from tests import sandbox_targets as targets

# 200 MB for the file's work: each side may use 100 MB while the two run at once.
WORKER = Limits(memory_mb=200, cpu_s=30, wall_s=60)
needs_two_cores = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="a helper only forks on 2+ cores")


@needs_two_cores
def test_the_second_part_is_done_by_a_helper_within_its_half():
    first, here, second, there, worker = run_limited(targets.parallel_allocations, 60, 60, limits=WORKER)
    assert (first, second) == (60 * 1048576, 60 * 1048576)
    assert here == worker and there != worker


@pytest.mark.parametrize(("first_mb", "second_mb"), [(150, 10), (10, 150)])
def test_a_part_over_its_half_is_done_again_here_under_the_whole_limit(first_mb, second_mb):
    """What one process could do within the limit, the two do too: a part that needs more than half (here or
    in the helper) is done here, one after the other, with the whole limit."""
    first, here, second, there, worker = run_limited(targets.parallel_allocations, first_mb, second_mb, limits=WORKER)
    assert (first, second) == (first_mb * 1048576, second_mb * 1048576)
    assert here == there == worker


def test_a_part_over_the_whole_limit_is_over_the_limit():
    with pytest.raises(LimitExceeded) as caught:
        run_limited(targets.parallel_allocations, 10, 250, limits=WORKER)
    assert caught.value.kind == "memory"


@needs_two_cores
def test_a_failed_helper_leaves_the_work_here():
    done, worker = run_limited(targets.parallel_child_fails, limits=WORKER)
    assert done == worker


@needs_two_cores
def test_a_stuck_helper_is_stopped_and_its_work_done_here():
    done, worker, seconds = run_limited(targets.parallel_child_stuck, 0.5, limits=WORKER)
    assert done == worker and seconds < 10


@needs_two_cores
def test_a_helper_ends_with_the_worker_stopped_at_its_wall_time(tmp_path: Path):
    noted = tmp_path / "helper.pid"
    with pytest.raises(LimitExceeded):
        run_limited(targets.parallel_outlasting, str(noted), limits=Limits(memory_mb=200, cpu_s=30, wall_s=3))
    pid = int(noted.read_text())
    deadline = time.monotonic() + 10
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(pid)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its exit status waits to be collected


def test_with_other_threads_running_both_parts_are_done_here(monkeypatch):
    """A fork copies the locks other threads hold, not the threads: with any running, nothing is forked."""
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 2)
    assert not parallel.can_fork()
    assert parallel.in_parallel(os.getpid, os.getpid) == (os.getpid(), os.getpid())


def test_an_error_here_stops_the_helper_and_is_raised(monkeypatch):
    monkeypatch.setattr(parallel, "can_fork", lambda: True)

    def fails() -> None:
        raise ValueError("bad input")

    started = time.monotonic()
    with pytest.raises(ValueError, match="bad input"):
        parallel.in_parallel(fails, lambda: time.sleep(60))
    assert time.monotonic() - started < 10


def test_when_no_process_can_be_forked_both_parts_are_done_here(monkeypatch):
    def refused() -> int:
        raise BlockingIOError("Resource temporarily unavailable")  # fork at the system's process limit

    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    monkeypatch.setattr(parallel.os, "fork", refused)
    before = len(os.listdir("/proc/self/fd"))
    assert parallel.in_parallel(os.getpid, os.getpid) == (os.getpid(), os.getpid())
    assert len(os.listdir("/proc/self/fd")) == before  # the pipe was closed


@pytest.mark.parametrize("memory_file", [True, False], ids=["in a memory file", "through the pipe"])
@pytest.mark.parametrize("size", [0, 10, 5_000_000])  # the last far beyond a pipe's buffer
def test_the_helpers_answer_comes_whole_either_way_and_nothing_is_left_open(monkeypatch, memory_file, size):
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    if not memory_file:
        monkeypatch.setattr(parallel, "_memory_file", lambda: None)
    before = len(os.listdir("/proc/self/fd"))
    here, there = parallel.in_parallel(os.getpid, lambda: (os.getpid(), "安" * size))
    assert there[0] != here and there[1] == "安" * size  # computed by the helper, answered whole
    assert len(os.listdir("/proc/self/fd")) == before  # the pipe and the memory file were closed
