"""Monitoring: followed sources, their items, watchlists and alerts

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("tags", sa.Text(), nullable=False, comment="JSON list"),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("next_poll_at", Stamp, nullable=False),
        sa.Column("last_polled_at", Stamp, nullable=True),
        sa.Column("last_success_at", Stamp, nullable=True),
        sa.Column("last_status", sa.String(length=16), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "last_notes",
            sa.Text(),
            nullable=True,
            comment="JSON list: what the last read feed said of itself",
        ),
        sa.Column("consecutive_errors", sa.Integer(), nullable=False),
        sa.Column("items_last_poll", sa.Integer(), nullable=False),
        sa.Column("new_last_poll", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("owner", "url_key", name=op.f("uq_sources_owner_url_key")),
    )
    op.create_index(op.f("ix_sources_active_next_poll_at"), "sources", ["active", "next_poll_at"])
    op.create_index(
        op.f("ix_sources_owner_created_at_id"), "sources", ["owner", "created_at", "id"]
    )
    op.create_table(
        "feed_items",
        sa.Column("source_id", sa.String(length=40), nullable=False),
        sa.Column("guid_key", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.Column("guid", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_key", sa.String(length=64), nullable=False),
        sa.Column("content_key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("article_id", sa.String(length=80), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", Stamp, nullable=False),
        sa.Column("last_seen_at", Stamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_feed_items_source_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "guid_key", name=op.f("pk_feed_items")),
    )
    op.create_index(op.f("ix_feed_items_owner_url_key"), "feed_items", ["owner", "url_key"])
    op.create_index(op.f("ix_feed_items_owner_content_key"), "feed_items", ["owner", "content_key"])
    op.create_index(
        op.f("ix_feed_items_source_id_first_seen_at"),
        "feed_items",
        ["source_id", "first_seen_at"],
    )
    op.create_table(
        "watchlists",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False, comment="WatchQuery JSON"),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlists")),
    )
    op.create_index(
        op.f("ix_watchlists_owner_created_at_id"), "watchlists", ["owner", "created_at", "id"]
    )
    op.create_table(
        "alerts",
        sa.Column("id", Key, autoincrement=True, nullable=False),
        sa.Column("watchlist_id", sa.String(length=40), nullable=False),
        sa.Column("article_id", sa.String(length=80), nullable=False),
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.Column("run_id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("matched", sa.Text(), nullable=False, comment="list of MatchedTerm JSON"),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("delivered_at", Stamp, nullable=True),
        sa.Column("delivery_attempts", sa.Integer(), nullable=False),
        sa.Column("delivery_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["watchlist_id"],
            ["watchlists.id"],
            name=op.f("fk_alerts_watchlist_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "watchlist_id", "article_id", name=op.f("uq_alerts_watchlist_id_article_id")
        ),
    )
    op.create_index(op.f("ix_alerts_delivered_at_id"), "alerts", ["delivered_at", "id"])
    op.create_index(op.f("ix_alerts_owner_id"), "alerts", ["owner", "id"])


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_table("watchlists")
    op.drop_table("feed_items")
    op.drop_table("sources")
