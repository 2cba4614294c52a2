"""Summarization stage: extractive summaries of ingested Documents (numpy only, no network)."""
