"""Entry point for ``python -m briefing``."""

import sys

from briefing.cli import main

if __name__ == "__main__":  # the loader's sandbox children import the main module again; only the CLI runs it
    sys.exit(main())
