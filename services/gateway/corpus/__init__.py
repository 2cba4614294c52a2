"""The corpus: every finished article archived in a relational database, searchable.

Redis is the broker and the hot store of runs in progress; this archive is the system of record
for finished work. The collector writes each ``done`` article here in one transaction
(``archive.py``); the gateway and the ``newsflow`` CLI read it (``articles.py``, ``entities.py``,
``stories.py``, ``export.py``). SQLite is the embedded default, PostgreSQL the production
back-end; ``fulltext.py`` holds the one place where the two differ. docs/corpus.md has the design.
"""
