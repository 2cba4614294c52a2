"""Monitoring: followed sources (feeds, news sitemaps) in, watchlist alerts out."""
