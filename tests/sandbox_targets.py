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
