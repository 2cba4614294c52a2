"""The archive's tables (SQLAlchemy Core). Alembic migrations create them; this is what code reads.

``articles`` holds one row per archived article, the full result JSON among its columns (without
the document text, which has its own column, so it is stored once). Every other table is
*derived* from that JSON and rebuilt by ``newsflow reindex``: entity and place rows for filtering,
a per-day roll-up of entity counts, MinHash band rows for near-duplicate lookup, and stories.
``owner`` is the API key fingerprint ('' without tenants) and scopes every query.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Entity and place keys are cut to this (keys.py): a very long name still fits, and its key stays
# an index entry of reasonable size.
KEY_LENGTH = 255
# BIGINT on PostgreSQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY is the rowid).
Key = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)

articles = Table(
    "articles",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("id", String(80), nullable=False, unique=True),
    Column("owner", String(40), nullable=False),
    Column("run_id", String(80), nullable=False),
    Column("title", Text),
    Column("source", String(255)),
    Column("url", Text),
    Column("language", String(8)),
    Column("published_at", DateTime(timezone=True)),
    # The time axis of every query: publication time when the article gives one, else when it
    # finished; ``day`` is its UTC date, for per-day series.
    Column("dated_at", DateTime(timezone=True), nullable=False),
    Column("day", Date, nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("word_count", Integer, nullable=False),
    Column("summary", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("result", Text, nullable=False, comment="ArticleResult JSON without document.text"),
    Column("story_id", Key),
    # What story clustering compares (stories.py): the MinHash signature as bytes, the most
    # salient entity keys and the top keyphrases, space-separated.
    Column("minhash", LargeBinary, nullable=False),
    Column("story_keys", Text, nullable=False),
    Column("story_terms", Text, nullable=False),
    Column("archived_at", DateTime(timezone=True), nullable=False),
    Index(None, "owner", "dated_at", "pk"),
    # A story's members in date order straight from the index (SQLite without statistics
    # otherwise walked the date index per story: 2.2 s for a page at 20,000 articles).
    Index(None, "story_id", "dated_at", "pk"),
)

article_entities = Table(
    "article_entities",
    metadata,
    Column("article_pk", Key, ForeignKey("articles.pk", ondelete="CASCADE"), primary_key=True),
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("owner", String(40), nullable=False),
    Column("type", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("mentions", Integer, nullable=False),
    Column("salience", Float, nullable=False),
    Column("day", Date, nullable=False),
    Column("dated_at", DateTime(timezone=True), nullable=False),
    Index(None, "key", "owner", "day"),
    Index(None, "key", "owner", "dated_at"),
    Index(None, "owner", "type", "day"),
)

article_places = Table(
    "article_places",
    metadata,
    Column("article_pk", Key, ForeignKey("articles.pk", ondelete="CASCADE"), primary_key=True),
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("name", Text, nullable=False),
    Column("source_id", String(255), index=True),
    Column("country_code", String(2)),
    Column("latitude", Float),
    Column("longitude", Float),
    Index(None, "key"),
)

# Articles per entity per day, recomputed for every (key, day) an archive write touches: the
# "most mentioned" and per-day queries read this instead of scanning every mention row.
entity_days = Table(
    "entity_days",
    metadata,
    Column("owner", String(40), primary_key=True),
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("type", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("articles", Integer, nullable=False),
    Column("mentions", Integer, nullable=False),
    Index(None, "owner", "day", "type"),
)

# Articles per entity over all time, recomputed like entity_days: "most mentioned, ever" reads
# the top of an index instead of summing every day of every entity.
entity_totals = Table(
    "entity_totals",
    metadata,
    Column("owner", String(40), primary_key=True),
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("type", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("articles", Integer, nullable=False),
    Column("mentions", Integer, nullable=False),
    Index(None, "owner", "articles"),
    Index(None, "owner", "type", "articles"),
)

# One row per MinHash band of an article: articles sharing a band's hash are near-duplicate
# candidates (locality-sensitive hashing), so a new article never compares against all others.
article_bands = Table(
    "article_bands",
    metadata,
    Column("article_pk", Key, ForeignKey("articles.pk", ondelete="CASCADE"), primary_key=True),
    Column("band", Integer, primary_key=True),
    Column("hash", BigInteger, nullable=False),
    Column("owner", String(40), nullable=False),
    Index(None, "owner", "band", "hash"),
)

stories = Table(
    "stories",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("owner", String(40), nullable=False),
    Column("first_article_pk", Key, nullable=False),
    Column("earliest_at", DateTime(timezone=True), nullable=False),
    Column("latest_at", DateTime(timezone=True), nullable=False),
    Column("size", Integer, nullable=False),
    Index(None, "owner", "latest_at"),
)

# Monitoring (services/gateway/monitor): followed sources, the items they delivered, saved
# watchlists and the alerts they fired. Not derived from articles: ``newsflow reindex`` keeps them.

sources = Table(
    "sources",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("owner", String(40), nullable=False),
    Column("url", Text, nullable=False),
    # The canonical URL's digest (monitor/canonical.py): one owner follows one feed once.
    Column("url_key", String(64), nullable=False),
    Column("kind", String(16)),
    Column("title", Text),
    Column("interval_seconds", Integer, nullable=False),
    Column("language", String(8)),
    Column("tags", Text, nullable=False, comment="JSON list"),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Conditional requests: the validators of the last 200 answer.
    Column("etag", Text),
    Column("last_modified", Text),
    # Scheduling: a poll claims the source by moving next_poll_at past a lease (poll.py), so two
    # schedulers or a redelivered tick never poll one source twice at once.
    Column("next_poll_at", DateTime(timezone=True), nullable=False),
    Column("last_polled_at", DateTime(timezone=True)),
    Column("last_success_at", DateTime(timezone=True)),
    Column("last_status", String(16)),
    Column("last_error", Text),
    Column("last_notes", Text, comment="JSON list: what the last read feed said of itself"),
    Column("consecutive_errors", Integer, nullable=False),
    Column("items_last_poll", Integer, nullable=False),
    Column("new_last_poll", Integer, nullable=False),
    UniqueConstraint("owner", "url_key"),
    Index(None, "active", "next_poll_at"),
    Index(None, "owner", "created_at", "id"),
)

# One row per item a source delivered, keyed by its GUID's digest; ``url_key`` and
# ``content_key`` find the same article delivered by another source or under another GUID.
feed_items = Table(
    "feed_items",
    metadata,
    Column("source_id", String(40), ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    Column("guid_key", String(64), primary_key=True),
    Column("owner", String(40), nullable=False),
    Column("guid", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("url_key", String(64), nullable=False),
    Column("content_key", String(64), nullable=False),
    Column("title", Text),
    Column("article_id", String(80)),
    Column("outcome", String(16), nullable=False),
    Column("reason", Text),
    Column("runs", Integer, nullable=False),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Index(None, "owner", "url_key"),
    Index(None, "owner", "content_key"),
    Index(None, "source_id", "first_seen_at"),
)

watchlists = Table(
    "watchlists",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("owner", String(40), nullable=False),
    Column("name", Text, nullable=False),
    Column("query", Text, nullable=False, comment="WatchQuery JSON"),
    Column("webhook_url", Text),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index(None, "owner", "created_at", "id"),
)

# An alert per (watchlist, article), written in the transaction that archives the article: the
# key makes a rerun or a second archive of the same article fire nothing new.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column(
        "watchlist_id", String(40), ForeignKey("watchlists.id", ondelete="CASCADE"), nullable=False
    ),
    Column("article_id", String(80), nullable=False),
    Column("owner", String(40), nullable=False),
    Column("run_id", String(80), nullable=False),
    Column("title", Text),
    Column("summary", Text, nullable=False),
    Column("matched", Text, nullable=False, comment="list of MatchedTerm JSON"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Webhook delivery (notifier.py): at least once; the alert id lets a receiver drop repeats.
    Column("delivered_at", DateTime(timezone=True)),
    Column("delivery_attempts", Integer, nullable=False),
    Column("delivery_error", Text),
    UniqueConstraint("watchlist_id", "article_id"),
    Index(None, "owner", "id"),
    Index(None, "delivered_at", "id"),
)
