"""Entry point for ``python -m loaders``."""

import sys

from loaders.cli import main

sys.exit(main())
