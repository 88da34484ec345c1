"""The limited worker process: every way a parser can misbehave ends as one typed outcome, and we go on."""

from __future__ import annotations

import time

import pytest

from loaders.sandbox import ChildError, LimitExceeded, Limits, limit_issue, run_limited, start_limited
from tests import sandbox_targets as targets

# Memory and CPU tight; wall time generous, because a busy 2-core machine can take seconds to fork and answer.
TIGHT = Limits(memory_mb=200, cpu_s=2, wall_s=60)


def test_a_result_comes_back():
    assert run_limited(targets.add, 2, 3, limits=TIGHT) == 5


def test_an_exception_in_the_child_comes_back_as_child_error_with_its_traceback():
    with pytest.raises(ChildError, match="ValueError: bad input"):
        run_limited(targets.raise_value_error, limits=TIGHT)


@pytest.mark.parametrize(
    ("func", "args", "kind", "limit"),
    [
        (targets.allocate, (2048,), "memory", 200),  # MemoryError under RLIMIT_AS
        (targets.abort, (), "memory", 200),  # an abort: a native allocation that failed
        (targets.spin, (), "cpu", 1),  # SIGXCPU at the CPU limit
        (targets.sleep, (300,), "wall", 3),  # no CPU used, but no answer either
        (targets.exit_quietly, (), "crash", 0),
        (targets.segfault, (), "crash", 0),
        (targets.big_result, (300,), "memory", 200),  # the answer itself is over the limit
    ],
)
def test_every_way_of_going_wrong_is_one_typed_outcome(func, args, kind, limit):
    started = time.monotonic()
    limits = {"cpu": Limits(200, 1, 60), "wall": Limits(200, 2, 3)}.get(kind, TIGHT)
    with pytest.raises(LimitExceeded) as caught:
        run_limited(func, *args, limits=limits)
    assert (caught.value.kind, caught.value.limit) == (kind, limit)
    assert time.monotonic() - started < 90
    assert run_limited(targets.add, 1, 1, limits=TIGHT) == 2  # and the next call works as ever


def test_memory_within_the_limit_is_fine():
    assert run_limited(targets.allocate, 50, limits=TIGHT) == 50 * 1048576


@pytest.mark.parametrize(
    ("kind", "limit", "zh", "en"),
    [
        ("memory", 512, "超出了内存上限 512 MB", "memory limit of 512 MB"),
        ("cpu", 120, "CPU 时间上限 120 秒", "CPU time limit of 120 s"),
        ("wall", 120.0, "120 秒内未能读完", "within 120 s"),
        ("crash", 0, "读取程序异常退出", "the reader stopped abnormally"),
    ],
)
def test_each_limit_has_its_message_in_both_languages(kind, limit, zh, en):
    issue = limit_issue(LimitExceeded(kind, limit))
    assert issue.severity == "error"
    assert zh in issue.message("zh")
    assert en in issue.message("en")


def test_limits_come_from_the_settings():
    assert Limits.from_settings({"worker_memory_mb": 64, "worker_cpu_s": 5, "worker_wall_s": 7}) == Limits(64, 5, 7.0)


def test_a_started_call_runs_while_this_process_goes_on_and_answers_later():
    running = start_limited(targets.add, 2, 3, limits=TIGHT)
    assert run_limited(targets.add, 1, 1, limits=TIGHT) == 2  # another call meanwhile
    assert running.answer() == 5


def test_a_started_call_stopped_unheard_leaves_no_process():
    running = start_limited(targets.sleep, 300, limits=TIGHT)
    pid = running._process.pid
    running.stop()
    running.stop()  # again: nothing
    assert not _alive(pid)


def test_the_wall_time_limit_counts_from_the_start_not_from_the_wait():
    running = start_limited(targets.sleep, 300, limits=Limits(200, 2, 1))
    time.sleep(1.5)
    waited = time.monotonic()
    with pytest.raises(LimitExceeded) as caught:
        running.answer()
    assert caught.value.kind == "wall"
    assert time.monotonic() - waited < 1  # the limit had passed: no further second of waiting


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead, only not yet reaped
    except OSError:
        return False
