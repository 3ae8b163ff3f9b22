"""Initial schema: documents, statements, ingest_errors (+ FTS5 index on SQLite).

Revision ID: 0001
Revises:
Create Date: 2024-01-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copy of the FTS DDL at this revision (later schema changes get their own migration).
FTS_DDL = (
    "CREATE VIRTUAL TABLE statements_fts USING fts5("
    "quote, speaker, speaker_mention, content='statements', content_rowid='rowid')",
    """CREATE TRIGGER statements_fts_ai AFTER INSERT ON statements BEGIN
  INSERT INTO statements_fts(rowid, quote, speaker, speaker_mention)
  VALUES (new.rowid, new.quote, new.speaker, new.speaker_mention);
END""",
    """CREATE TRIGGER statements_fts_ad AFTER DELETE ON statements BEGIN
  INSERT INTO statements_fts(statements_fts, rowid, quote, speaker, speaker_mention)
  VALUES ('delete', old.rowid, old.quote, old.speaker, old.speaker_mention);
END""",
    """CREATE TRIGGER statements_fts_au AFTER UPDATE ON statements BEGIN
  INSERT INTO statements_fts(statements_fts, rowid, quote, speaker, speaker_mention)
  VALUES ('delete', old.rowid, old.quote, old.speaker, old.speaker_mention);
  INSERT INTO statements_fts(rowid, quote, speaker, speaker_mention)
  VALUES (new.rowid, new.quote, new.speaker, new.speaker_mention);
END""",
)
FTS_DROP = (
    "DROP TRIGGER IF EXISTS statements_fts_au",
    "DROP TRIGGER IF EXISTS statements_fts_ad",
    "DROP TRIGGER IF EXISTS statements_fts_ai",
    "DROP TABLE IF EXISTS statements_fts",
)


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("language", sa.String(16)),
        sa.Column("published", sa.String(32)),
        sa.Column("date_basis", sa.String(32)),
        sa.Column("format", sa.String(16)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("ingested_at", sa.String(40)),
    )
    op.create_table(
        "statements",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("doc_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("cue", sa.Text),
        sa.Column("cue_text", sa.Text),
        sa.Column("cue_start", sa.Integer),
        sa.Column("cue_end", sa.Integer),
        sa.Column("speaker", sa.Text),
        sa.Column("speaker_mention", sa.Text),
        sa.Column("speaker_start", sa.Integer),
        sa.Column("speaker_end", sa.Integer),
        sa.Column("actor_id", sa.Text),
        sa.Column("actor_type", sa.String(32)),
        sa.Column("country", sa.String(8)),
        sa.Column("sector", sa.String(32)),
        sa.Column("date", sa.String(32)),
        sa.Column("date_basis", sa.String(32)),
        sa.Column("targets", sa.Text, nullable=False, server_default="[]"),
        sa.Column("target_actors", sa.Text, nullable=False, server_default="[]"),
        sa.Column("negated", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("confidence", sa.Float, nullable=False, server_default="0.5"),
    )
    for col in ("speaker", "actor_id", "date", "doc_id", "country"):
        op.create_index(f"ix_statements_{col}", "statements", [col])
    op.create_table(
        "ingest_errors",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("doc_id", sa.String(64)),
        sa.Column("first_seen", sa.String(40), nullable=False),
        sa.Column("last_seen", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("source", "reason", name="uq_ingest_errors_source_reason"),
    )
    if op.get_context().dialect.name == "sqlite":
        for ddl in FTS_DDL:
            op.execute(ddl)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for ddl in FTS_DROP:
            op.execute(ddl)
    op.drop_table("ingest_errors")
    for col in ("speaker", "actor_id", "date", "doc_id", "country"):
        op.drop_index(f"ix_statements_{col}", table_name="statements")
    op.drop_table("statements")
    op.drop_table("documents")
