"""Functions the sandbox tests run in a limited child (module level, so the child can import them)."""

from __future__ import annotations

import os
import signal
import time


def add(a: int, b: int) -> int:
    return a + b


def raise_value_error() -> None:
    raise ValueError("bad input")


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1048576)
    return len(block)


def spin() -> None:
    while True:
        pass


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def abort() -> None:
    os.abort()  # what a Rust parser does when an allocation fails


def exit_quietly() -> None:
    os._exit(3)


def segfault() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def big_result(megabytes: int) -> bytes:
    return b"x" * (megabytes * 1048576)


# --- work shared with a forked helper (``loaders.parallel``), run in a worker: one thread, limits set --------------


def _allocated(megabytes: int) -> tuple[int, int]:
    block = bytearray(megabytes * 1048576)
    return len(block), os.getpid()


def parallel_allocations(first_mb: int, second_mb: int) -> tuple[int, int, int, int, int]:
    """Two allocations shared out by ``in_parallel``: (first's size, its pid, second's size, its pid, this pid)."""
    from functools import partial

    from loaders.parallel import in_parallel

    (first, here), (second, there) = in_parallel(partial(_allocated, first_mb), partial(_allocated, second_mb))
    return first, here, second, there, os.getpid()


def _fails_in_a_child(worker: int) -> int:
    if os.getpid() != worker:
        raise RuntimeError("the child fails")
    return os.getpid()


def parallel_child_fails() -> tuple[int, int]:
    """The second part fails in the helper: (where it was done in the end, this pid)."""
    from functools import partial

    from loaders.parallel import in_parallel

    _, done = in_parallel(os.getpid, partial(_fails_in_a_child, os.getpid()))
    return done, os.getpid()


def _stuck_in_a_child(worker: int) -> int:
    if os.getpid() != worker:
        time.sleep(60)  # a helper that never answers (a lock held at the fork)
    return os.getpid()


def parallel_child_stuck(patience_s: float) -> tuple[int, int, float]:
    """The helper never answers: (where the second part was done, this pid, seconds taken)."""
    from functools import partial

    from loaders.parallel import in_parallel

    started = time.monotonic()
    _, done = in_parallel(os.getpid, partial(_stuck_in_a_child, os.getpid()), patience_s)
    return done, os.getpid(), time.monotonic() - started


def _note_pid_and_sleep(path: str) -> None:
    with open(path, "w") as fh:
        fh.write(str(os.getpid()))
    time.sleep(60)


def parallel_outlasting(path: str) -> None:
    """Both parts take a minute; the helper writes its pid to ``path`` first (the worker is stopped meanwhile)."""
    from functools import partial

    from loaders.parallel import in_parallel

    in_parallel(partial(time.sleep, 60), partial(_note_pid_and_sleep, path))
