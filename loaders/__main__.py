"""Entry point for ``python -m loaders``."""

import gc
import logging
import os
import signal
import sys

if __name__ == "__main__":  # the sandbox's children import this module again; only the CLI runs it
    # Before pandas loads pyarrow: its default allocators reserve address space the worker's RLIMIT_AS refuses
    # (the worker is forked from this process, see ``loaders.sandbox.fork_directly``).
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    from loaders.cli import main
    from loaders.sandbox import fork_directly

    fork_directly()
    # One command, then exit: the cyclic collector would walk every reason and project dict of a large
    # summary again and again (0.7 s of 1.8 s at 100,000 projects) and find nothing to free.
    gc.disable()
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left early (``| head``): no traceback, the exit status a shell expects
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 128 + signal.SIGPIPE
    # Leave without the interpreter's teardown: freeing a large register's millions of objects one by one took
    # 0.2 s after the answer was already written. Everything written is flushed first.
    logging.shutdown()
    sys.stderr.flush()
    os._exit(code)
