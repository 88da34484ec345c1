"""Two pieces of work at once on a machine's two cores: one here, the other in a forked child process.

Python runs one thread's code at a time, so work on a large register (parsing its columns, phrasing its
projects' reasons) is shared between processes instead. The child is forked, so it starts with everything this
process holds (the rows read, the modules imported) and sends back only its answer, pickled.

The answer never depends on the child: should it fail, run out of its share of a worker's limits, or not answer
in time (a lock some library thread held at the fork), it is stopped and its work done here. Inside a limited
worker (``loaders.sandbox``) the two share the worker's one budget: each may use half the memory it has left.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from loaders import sandbox

A = TypeVar("A")
B = TypeVar("B")
PATIENCE_S = 10.0  # at least this long for the child's answer; longer when the work here took long too
PATIENCE_FACTOR = 5  # the child does about what this process did: far longer means it is stuck
_PR_SET_PDEATHSIG = 1


def can_fork() -> bool:
    """Whether forking a helper is both possible and worth it: a POSIX system, at least two cores for this
    process, and no other thread running here (a fork copies the locks they may hold, not the threads)."""
    return hasattr(os, "fork") and _cores() >= 2 and threading.active_count() == 1


def _cores() -> int:
    """The cores this process may run on (all of the machine's where the system cannot say)."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux; not macOS
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def in_parallel(first: Callable[[], A], second: Callable[[], B], patience_s: float = PATIENCE_S) -> tuple[A, B]:
    """``(first(), second())``, the second computed in a forked child while this process computes the first.

    Both must be free of side effects (either may be run again here). When forking is not possible or not
    worth it (``can_fork``), both run here, one after the other. Inside a limited worker, should the first run
    out of its half of the memory, both are run again here, one after the other, under the whole limit: a file
    that loads one way loads the other way too.
    """
    if not can_fork():
        return first(), second()
    share = sandbox.helper_share()
    try:
        child = _Child(second, share)
    except OSError:  # no process to be had (the system's process limit): both here
        return first(), second()
    started = time.monotonic()
    try:
        with sandbox.memory_capped(share):
            here = first()
    except MemoryError:
        child.stop()
        return first(), second()
    except BaseException:
        child.stop()
        raise
    answer = child.answer(max(patience_s, PATIENCE_FACTOR * (time.monotonic() - started)))
    return here, (second() if answer is None else answer[0])


class _Child(Generic[B]):
    """A forked child computing ``work()``; ``answer`` collects it.

    The pickled answer goes into an in-memory file (``memfd``) when the system has them, the pipe then only
    saying that it is there: the child writes it all while this process still works, where through the pipe
    (64 KB at a time) it waited for this process to read: 0.04 s of 15 MB of JSON text, after the work."""

    def __init__(self, work: Callable[[], B], share: sandbox.Share | None):
        self.read_end, write_end = os.pipe()
        self.memory = _memory_file()
        parent = os.getpid()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(self.read_end)
            os.close(write_end)
            self._close()
            raise
        if self.pid == 0:  # the child: answer and leave at once (no exit handlers, no buffers of the parent's)
            status = 1
            try:
                os.close(self.read_end)
                _die_with(parent)
                sandbox.limit_helper(share)
                payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(_put(self.memory, payload))
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)

    def answer(self, patience_s: float) -> tuple[B] | None:
        """``(the child's result,)``, or ``None`` when it failed or gave no answer within ``patience_s``."""
        data = read_within(self.read_end, patience_s)
        if data is None:
            os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        try:
            if data is None or status != 0:
                return None
            return (pickle.loads(_taken(self.memory, data)),)
        except Exception:  # cut short: the child died while writing
            return None
        finally:
            self._close()

    def stop(self) -> None:
        """End the child without its answer."""
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.read_end)
        self._close()

    def _close(self) -> None:
        if self.memory is not None:
            os.close(self.memory)
            self.memory = None


IN_MEMORY = b"M"  # what the pipe carries when the answer is in the memory file; else the answer itself follows "P"


def _memory_file() -> int | None:
    """A new in-memory file (Linux), or ``None`` where the system has none (the answer then goes through the pipe)."""
    try:
        return os.memfd_create("answer", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None


def _put(memory: int | None, payload: bytes) -> bytes:
    """In the child: the payload written to the memory file, or, without one, the payload to send through the pipe."""
    if memory is None:
        return b"P" + payload
    with os.fdopen(memory, "wb", closefd=False) as file:
        file.write(payload)
    return IN_MEMORY


def _taken(memory: int | None, message: bytes) -> bytes:
    """What the child sent (``_put``): the payload from the pipe, or read from the memory file."""
    if message != IN_MEMORY:
        return message[1:]
    assert memory is not None, "the child wrote to the memory file it was given"
    return os.pread(memory, os.fstat(memory).st_size, 0)


def _die_with(parent: int) -> None:
    """Have the kernel end this child when the process that forked it dies: a worker stopped at its wall-time
    limit must not leave a helper running on."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the helper's own CPU limit still ends it
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def read_within(fd: int, seconds: float) -> bytes | None:
    """Everything written to the pipe ``fd`` until its writer closes it, or ``None`` after ``seconds``; the
    pipe is closed either way."""
    deadline, chunks = time.monotonic() + seconds, list[bytes]()
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        while True:
            ready, _, _ = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return None
            chunk = pipe.read(1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
