"""Run the parsing of untrusted files in a separate process with hard limits on memory, CPU and wall time.

A parser library can do things Python cannot catch: python-calamine aborts the whole process when a sheet
asks it for a 512 GB grid, and a decompression or repetition bomb can fill the machine's memory before any
check runs. So every function that reads an uploaded file runs through ``run_limited``: in a child forked
from a small "fork server" (started once per process with the loader already imported, so a call costs tens
of milliseconds, not an interpreter start), under ``RLIMIT_AS`` (address space) and ``RLIMIT_CPU``, while
the parent waits at most the wall-time limit and kills it after. Whatever happens in the child (an abort,
``MemoryError``, a loop), the caller gets ``LimitExceeded`` naming the limit, and the app goes on serving.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from housing.settings import get_setting
from loaders.issues import Issue

log = logging.getLogger(__name__)
T = TypeVar("T")

# Imported once in the fork server, so each child starts with the parsers loaded.
PRELOAD = ["loaders.load", "loaders.annotate", "loaders.template"]
ARROW_POOL = "ARROW_DEFAULT_MEMORY_POOL"
MEMORY, CPU, WALL, CRASH = "memory", "cpu", "wall", "crash"
_context_lock = threading.Lock()
_context: Any = None
_fork_directly = False
_ceiling: int | None = None  # the address space (bytes) this process was limited to, in a worker
_cpu_limit: int | None = None  # the CPU seconds it was limited to


@dataclass(frozen=True)
class Limits:
    """What one call may use: extra address space (MB), CPU seconds and wall-clock seconds."""

    memory_mb: int
    cpu_s: int
    wall_s: float

    @classmethod
    def from_settings(cls, overrides: dict | None = None) -> Limits:
        """The limits in force (settings ``worker_memory_mb``, ``worker_cpu_s``, ``worker_wall_s``)."""
        return cls(
            memory_mb=int(get_setting("worker_memory_mb", overrides)),
            cpu_s=int(get_setting("worker_cpu_s", overrides)),
            wall_s=float(get_setting("worker_wall_s", overrides)),
        )

    def value(self, kind: str) -> float:
        """The limit that ``kind`` (memory, cpu, wall) names; 0 for a crash, which has no limit."""
        return {MEMORY: self.memory_mb, CPU: self.cpu_s, WALL: self.wall_s}.get(kind, 0)


class LimitExceeded(Exception):
    """The child went over a limit (``kind``: memory, cpu, wall) or died (crash) before answering."""

    def __init__(self, kind: str, limit: float, detail: str = ""):
        super().__init__(f"{kind} limit {limit} exceeded {detail}".strip())
        self.kind, self.limit, self.detail = kind, limit, detail


class ChildError(Exception):
    """The function raised an ordinary exception in the child; carries its traceback text (for the log)."""


def fork_directly() -> None:
    """Fork the children from this process itself rather than from the fork server.

    For a short-lived command (``python -m loaders``) that has nothing running but its own main thread when it
    reads the file: the child inherits the loader already imported, so the fork server's start (a second
    interpreter importing pandas, about a second) is saved. Call it before pyarrow allocates anything, with
    ``ARROW_DEFAULT_MEMORY_POOL=system`` set (see ``_start_server``). A server (the app) keeps the fork server:
    forking a process with request threads could copy a lock some thread holds.
    """
    global _fork_directly
    _fork_directly = True


def _mp_context():
    """The fork-server context, created once per process (``fork`` of a threaded server is not safe)."""
    global _context
    if _fork_directly:
        return multiprocessing.get_context("fork")
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _start_server()
            _context = context
        return _context


def _start_server() -> None:
    """Start the fork server with pyarrow on plain malloc: its default allocators reserve large address
    ranges up front, which ``RLIMIT_AS`` refuses even for a 64-byte string (pandas keeps text in pyarrow)."""
    before = os.environ.get(ARROW_POOL)
    os.environ[ARROW_POOL] = "system"
    try:
        forkserver.ensure_running()
    finally:
        if before is None:
            del os.environ[ARROW_POOL]
        else:
            os.environ[ARROW_POOL] = before


def _address_space() -> int:
    """This process's current virtual size in bytes (the child's starting point for its memory limit)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _apply_limits(limits: Limits) -> None:
    global _ceiling, _cpu_limit
    # The memory limit is added to what the child starts with (the interpreter and the parsers, already
    # mapped), so the setting means "memory the file may make us use", the same on every machine.
    ceiling = _address_space() + limits.memory_mb * 1048576
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    # Soft limit: SIGXCPU (we report it); hard limit a second later: SIGKILL if the soft one was ignored.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort must not write a core file of the bomb
    _ceiling, _cpu_limit = ceiling, limits.cpu_s


@dataclass(frozen=True)
class Share:
    """What a forked helper may use of a limited worker's budget: ``memory`` more bytes (half of what the worker
    has left, the worker keeping the other half meanwhile: ``memory_capped``) and the CPU seconds left."""

    memory: int
    cpu_s: int


def helper_share() -> Share | None:
    """Half of the memory this limited worker has left, and its CPU seconds left; ``None`` outside a worker."""
    if _ceiling is None or _cpu_limit is None:
        return None
    used = resource.getrusage(resource.RUSAGE_SELF)
    left = max(0, _ceiling - _address_space()) // 2
    return Share(left, max(1, int(_cpu_limit - used.ru_utime - used.ru_stime)))


@contextmanager
def memory_capped(share: Share | None) -> Iterator[None]:
    """Within the block this process may map at most ``share.memory`` more bytes: its soft limit is lowered and
    the hard one, the way back, kept. The helper forked with the same share has the other half, so the two
    together stay within the worker's one limit. ``None``: unchanged."""
    if share is None or _ceiling is None:
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (min(_ceiling, _address_space() + share.memory), _ceiling))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (_ceiling, _ceiling))


def limit_helper(share: Share | None) -> None:
    """In a helper just forked from a limited worker: ``share.memory`` more bytes at most and ``share.cpu_s``
    CPU seconds (its own count starts at zero). ``None`` (not forked from a worker): nothing to limit."""
    if share is None:
        return
    ceiling = _address_space() + share.memory
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    resource.setrlimit(resource.RLIMIT_CPU, (share.cpu_s, share.cpu_s + 1))


def _child(conn: Connection, func: Callable[..., Any], args: tuple, limits: Limits, quiet: bool = False) -> None:
    """In the child: set the limits, run, send ``("ok", result)`` or ``("error", kind, text)``. ``quiet``: nothing
    the child writes to its standard error reaches this process's (see ``start_limited``)."""
    try:
        if quiet:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        _apply_limits(limits)
        # The child lives for one call: the cyclic collector's passes over the hundreds of thousands of cell
        # values a large file becomes cost about a tenth of a load and free nothing (measured: 0 objects);
        # memory stays bounded by the limit just set.
        gc.disable()
        outcome: tuple = ("ok", func(*args))
    except MemoryError:
        outcome = ("error", MEMORY, traceback.format_exc(limit=-3))
    except BaseException:
        outcome = ("error", "exception", traceback.format_exc(limit=20))
    try:
        conn.send(outcome)
    except MemoryError:  # the result itself is too large to pickle within the limit
        conn.send(("error", MEMORY, "result too large"))
    finally:
        conn.close()


def _exit_kind(exitcode: int | None) -> str:
    """Which limit a child's death means: SIGXCPU/SIGKILL after CPU, an abort after memory, else a crash."""
    if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        return CPU
    if exitcode == -signal.SIGABRT:
        return MEMORY  # Rust and C parsers abort when an allocation fails under RLIMIT_AS
    return CRASH


def _receive(conn: Connection, process, limits: Limits, deadline: float) -> tuple:
    """The child's answer, or the reason there is none (its exit code, or the wall-time limit at ``deadline``)."""
    while time.monotonic() < deadline:
        if conn.poll(min(0.5, max(deadline - time.monotonic(), 0.01))):
            try:
                return conn.recv()
            except (EOFError, OSError):  # died while sending: judge it by its exit code below
                break
        if not process.is_alive() and not conn.poll(0):
            break
    else:
        return ("error", WALL, f"no answer after {limits.wall_s} s")
    process.join(5)
    return ("error", _exit_kind(process.exitcode), f"exit code {process.exitcode}")


class Running:
    """A call started in a limited child (``start_limited``): ``answer`` waits for it (once), ``stop`` ends it
    unheard. The wall-time limit counts from the start."""

    def __init__(self, func: Callable[..., Any], args: tuple, limits: Limits, quiet: bool = False) -> None:
        self.limits = limits
        self._receiver, sender = multiprocessing.Pipe(duplex=False)
        self._process = _mp_context().Process(target=_child, args=(sender, func, args, limits, quiet), daemon=True)
        try:
            self._process.start()
        except OSError as exc:  # the child died before it was told what to run (it re-imports the main script)
            self._receiver.close()
            sender.close()
            log.error("the worker process did not start: %s", exc)
            raise LimitExceeded(CRASH, 0, f"worker did not start: {exc}") from exc
        sender.close()  # only the child writes; an EOF then means it died
        self._deadline = time.monotonic() + limits.wall_s

    def answer(self) -> Any:
        """The call's result; raises ``LimitExceeded`` or ``ChildError``."""
        try:
            answer = _receive(self._receiver, self._process, self.limits, self._deadline)
        finally:
            self.stop()
        if answer[0] == "ok":
            return answer[1]
        _, kind, detail = answer
        if kind == "exception":
            raise ChildError(detail)
        log.warning("parsing stopped at the %s limit (%s)", kind, detail)
        raise LimitExceeded(kind, self.limits.value(kind), detail)

    def stop(self) -> None:
        """End the child (killed if still running) and free its pipe; again, nothing."""
        if self._receiver.closed:
            return
        self._receiver.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join(5)
        if self._process.exitcode is not None:
            self._process.close()


def start_limited(func: Callable[..., Any], *args: Any, limits: Limits | None = None, quiet: bool = False) -> Running:
    """``func(*args)`` started in a limited child process, this process going on meanwhile (see ``run_limited``).

    ``quiet``: the child's standard error goes nowhere. For a call whose failure another decides about: a parse
    run before its file's guard has spoken can make a native parser abort, and its dying words ("memory
    allocation of 471859200000 bytes failed" and, with ``RUST_BACKTRACE``, a stack) must not reach a terminal
    for a file that then loads (``loaders.load._load_beside_guard``)."""
    return Running(func, args, limits or Limits.from_settings(), quiet)


def run_limited(func: Callable[..., T], *args: Any, limits: Limits | None = None) -> T:
    """``func(*args)`` in a limited child process; raises ``LimitExceeded`` or ``ChildError``.

    ``func`` must be a module-level function (it is sent to the child by reference) and its arguments and
    result picklable.
    """
    return start_limited(func, *args, limits=limits).answer()


def limit_issue(exc: LimitExceeded) -> Issue:
    """The issue that tells the user which limit a file hit (``unsafe_memory``, ``unsafe_cpu`` ...)."""
    return Issue(f"unsafe_{exc.kind}", params={"limit": f"{exc.limit:g}"})
