"""The ``newsflow`` command line (main.py) and the typed API client it uses (client.py)."""

from services.cli.main import main

__all__ = ["main"]
