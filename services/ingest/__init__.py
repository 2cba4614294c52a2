"""Ingest stage: turns a submitted article (text, HTML or URL) into a ``Document``.

``fetch`` is the only module that touches the network; ``core.build_document`` is pure and
composes the rest (HTML extraction, text repair, paragraphs, sentences, language, MinHash).
"""
