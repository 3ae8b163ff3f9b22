"""PostgreSQL full-text search: a generated tsvector column over quote, speaker and
speaker_mention with a GIN index (SQLite keeps its FTS5 table from 0001; nothing to do there).

The 'simple' configuration lower-cases and does not stem, like FTS5's unicode61 tokenizer, so a
query finds the same statements on both backends (FTS5 also folds diacritics; 'simple' does not).

Revision ID: 0002
Revises: 0001
Create Date: 2024-06-01
"""
from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen copy of the expression at this revision (queries.py names the column, not the expression).
TSV_COLUMN = "search_vector"
TSV_EXPR = ("setweight(to_tsvector('simple'::regconfig, coalesce(quote, '')), 'A') || "
            "setweight(to_tsvector('simple'::regconfig, coalesce(speaker, '')), 'B') || "
            "setweight(to_tsvector('simple'::regconfig, coalesce(speaker_mention, '')), 'B')")


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE statements ADD COLUMN {TSV_COLUMN} tsvector "
               f"GENERATED ALWAYS AS ({TSV_EXPR}) STORED")
    op.execute(f"CREATE INDEX ix_statements_search_vector ON statements USING GIN ({TSV_COLUMN})")


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_statements_search_vector")
    op.execute(f"ALTER TABLE statements DROP COLUMN IF EXISTS {TSV_COLUMN}")
