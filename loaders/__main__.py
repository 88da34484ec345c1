"""Entry point for ``python -m loaders``."""

import sys

from loaders.cli import main

if __name__ == "__main__":  # the sandbox's children import this module again; only the CLI runs it
    sys.exit(main())
