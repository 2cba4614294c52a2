"""The ``newsflow`` command line: ``newsflow eval summaries|ner ...``."""

from services.cli.main import main

__all__ = ["main"]
