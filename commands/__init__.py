"""Command-line entry points that sit above every layer (they may use loaders, store and service together).

``python -m store import`` lives here: ``store/__main__.py`` only hands over to it, so the storage layer's
own modules still never import the loader or the service (``tests/test_register.py``).
"""
