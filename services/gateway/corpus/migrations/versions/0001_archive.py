"""The archive: articles, their entities, places, bands and stories

Revision ID: 0001
Revises: (none)

Full-text search is each back-end's own: a generated ``tsvector`` column with a GIN index on
PostgreSQL (the first 100,000 characters of the text: a tsvector holds at most 1 MB), an FTS5
table over the articles' title and text on SQLite (``fulltext.py`` queries both).
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column(
            "pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.Column("run_id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=255), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "result", sa.Text(), nullable=False, comment="ArticleResult JSON without document.text"
        ),
        sa.Column("story_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("minhash", sa.LargeBinary(), nullable=False),
        sa.Column("story_keys", sa.Text(), nullable=False),
        sa.Column("story_terms", sa.Text(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_articles")),
        sa.UniqueConstraint("id", name=op.f("uq_articles_id")),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_articles_owner_dated_at_pk"), ["owner", "dated_at", "pk"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_articles_story_id_dated_at_pk"),
            ["story_id", "dated_at", "pk"],
            unique=False,
        )

    op.create_table(
        "entity_days",
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("owner", "key", "day", name=op.f("pk_entity_days")),
    )
    with op.batch_alter_table("entity_days", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entity_days_owner_day_type"), ["owner", "day", "type"], unique=False
        )

    op.create_table(
        "entity_totals",
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("owner", "key", name=op.f("pk_entity_totals")),
    )
    with op.batch_alter_table("entity_totals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entity_totals_owner_articles"), ["owner", "articles"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_entity_totals_owner_type_articles"),
            ["owner", "type", "articles"],
            unique=False,
        )

    op.create_table(
        "stories",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.Column(
            "first_article_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("earliest_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latest_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stories_owner_latest_at"), ["owner", "latest_at"], unique=False
        )

    op.create_table(
        "article_bands",
        sa.Column(
            "article_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_pk"],
            ["articles.pk"],
            name=op.f("fk_article_bands_article_pk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_pk", "band", name=op.f("pk_article_bands")),
    )
    with op.batch_alter_table("article_bands", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_bands_owner_band_hash"), ["owner", "band", "hash"], unique=False
        )

    op.create_table(
        "article_entities",
        sa.Column(
            "article_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("salience", sa.Float(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_pk"],
            ["articles.pk"],
            name=op.f("fk_article_entities_article_pk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_pk", "key", name=op.f("pk_article_entities")),
    )
    with op.batch_alter_table("article_entities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_entities_key_owner_day"), ["key", "owner", "day"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_article_entities_key_owner_dated_at"),
            ["key", "owner", "dated_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_article_entities_owner_type_day"), ["owner", "type", "day"], unique=False
        )

    op.create_table(
        "article_places",
        sa.Column(
            "article_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_pk"],
            ["articles.pk"],
            name=op.f("fk_article_places_article_pk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_pk", "key", name=op.f("pk_article_places")),
    )
    with op.batch_alter_table("article_places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_places_key"), ["key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_article_places_source_id"), ["source_id"], unique=False
        )

    _create_fulltext()


def _create_fulltext() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
            "setweight(to_tsvector('english', left(text, 100000)), 'B')) STORED"
        )
        op.execute("CREATE INDEX ix_articles_search ON articles USING gin (search)")
        # Statistics on ten times the default lexemes (ANALYZE keeps the most common ones): a
        # word outside them is estimated from the rarest kept, so a finer list makes rare words
        # look rare and the planner serves them from the GIN index (docs/corpus.md, Scale).
        op.execute("ALTER TABLE articles ALTER COLUMN search SET STATISTICS 1000")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', "
            "content_rowid='pk', tokenize='porter unicode61 remove_diacritics 2')"
        )


def _drop_fulltext() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search")
    else:
        op.execute("DROP TABLE IF EXISTS articles_fts")


def downgrade() -> None:
    _drop_fulltext()
    with op.batch_alter_table("article_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_places_source_id"))
        batch_op.drop_index(batch_op.f("ix_article_places_key"))

    op.drop_table("article_places")
    with op.batch_alter_table("article_entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_entities_owner_type_day"))
        batch_op.drop_index(batch_op.f("ix_article_entities_key_owner_day"))
        batch_op.drop_index(batch_op.f("ix_article_entities_key_owner_dated_at"))

    op.drop_table("article_entities")
    with op.batch_alter_table("article_bands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_bands_owner_band_hash"))

    op.drop_table("article_bands")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stories_owner_latest_at"))

    op.drop_table("stories")
    with op.batch_alter_table("entity_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_days_owner_day_type"))

    op.drop_table("entity_days")
    with op.batch_alter_table("entity_totals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_totals_owner_type_articles"))
        batch_op.drop_index(batch_op.f("ix_entity_totals_owner_articles"))

    op.drop_table("entity_totals")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_story_id_dated_at_pk"))
        batch_op.drop_index(batch_op.f("ix_articles_owner_dated_at_pk"))

    op.drop_table("articles")
