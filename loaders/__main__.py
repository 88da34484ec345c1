"""Entry point for ``python -m loaders``."""

import os
import sys

if __name__ == "__main__":  # the sandbox's children import this module again; only the CLI runs it
    # Before pandas loads pyarrow: its default allocators reserve address space the worker's RLIMIT_AS refuses
    # (the worker is forked from this process, see ``loaders.sandbox.fork_directly``).
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    from loaders.cli import main
    from loaders.sandbox import fork_directly

    fork_directly()
    sys.exit(main())
