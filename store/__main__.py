"""Entry point for ``python -m store`` (``import FILE...``: publish workbooks as versions).

An entry point sits above all layers: the command itself is ``commands.store_import``, which reads files with
the loader and publishes through the service; this file only runs it (``tests/test_register.py`` exempts
``__main__.py`` entry points from the layer rule, and only them).
"""

import sys

if __name__ == "__main__":  # the loader's worker processes import the main module again; only the CLI runs it
    from commands.store_import import main

    sys.exit(main())
