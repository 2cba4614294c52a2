"""Evaluation against annotated news: build documents as ingest does, map offsets back, score."""
