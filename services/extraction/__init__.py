"""Extraction stage: entities, dates, quotes, places and keyphrases from a Document."""
