"""Linking (issue 6): statements.cluster_id, link_blocks (each statement's blocking key),
documents.near_dup_of, the clusters table (one row per utterance) and doc_bands (MinHash LSH bands
for near-duplicate documents).

On SQLite the FTS5 update trigger is narrowed to the indexed columns (``AFTER UPDATE OF quote,
speaker, speaker_mention``), so that setting a statement's cluster id does not rewrite its
full-text entry.

Revision ID: 0004
Revises: 0003
Create Date: 2024-06-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen copies of the FTS update trigger before and after this revision.
FTS_AU_OLD = """CREATE TRIGGER statements_fts_au AFTER UPDATE ON statements BEGIN
  INSERT INTO statements_fts(statements_fts, rowid, quote, speaker, speaker_mention)
  VALUES ('delete', old.rowid, old.quote, old.speaker, old.speaker_mention);
  INSERT INTO statements_fts(rowid, quote, speaker, speaker_mention)
  VALUES (new.rowid, new.quote, new.speaker, new.speaker_mention);
END"""
FTS_AU_NEW = FTS_AU_OLD.replace("AFTER UPDATE ON statements",
                                "AFTER UPDATE OF quote, speaker, speaker_mention ON statements")



def _sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


def upgrade() -> None:
    op.add_column("statements", sa.Column("cluster_id", sa.String(64), nullable=True))
    op.create_index("ix_statements_cluster_id", "statements", ["cluster_id"])
    op.create_table(
        "link_blocks",
        sa.Column("statement_id", sa.String(64), sa.ForeignKey("statements.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("link_key", sa.Text),
        sa.Column("link_day", sa.Integer),
    )
    op.create_index("ix_link_blocks_key_day", "link_blocks", ["link_key", "link_day"])
    op.add_column("documents", sa.Column("near_dup_of", sa.String(64), nullable=True))
    op.create_index("ix_documents_near_dup_of", "documents", ["near_dup_of"])
    op.create_table(
        "clusters",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("speaker_key", sa.Text),
        sa.Column("speaker", sa.Text),
        sa.Column("actor_id", sa.Text),
        sa.Column("date", sa.String(32)),
        sa.Column("event_type", sa.String(32)),
        sa.Column("targets", sa.Text, nullable=False, server_default="[]"),
        sa.Column("canonical_text", sa.Text),
        sa.Column("canonical_statement", sa.String(64)),
        sa.Column("negated", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("first_doc", sa.String(64)),
        sa.Column("first_outlet", sa.Text),
        sa.Column("first_published", sa.String(32)),
        sa.Column("first_start", sa.Integer),
        sa.Column("n_statements", sa.Integer, nullable=False, server_default="1"),
        sa.Column("n_reports", sa.Integer, nullable=False, server_default="1"),
        sa.Column("n_outlets", sa.Integer, nullable=False, server_default="0"),
        sa.Column("languages", sa.Text, nullable=False, server_default="[]"),
    )
    for col in ("speaker_key", "actor_id", "date"):
        op.create_index(f"ix_clusters_{col}", "clusters", [col])
    op.create_table(
        "doc_bands",
        sa.Column("band", sa.String(24), primary_key=True),
        sa.Column("doc_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  primary_key=True),
    )
    op.create_index("ix_doc_bands_doc_id", "doc_bands", ["doc_id"])
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS statements_fts_au")
        op.execute(FTS_AU_NEW)


def downgrade() -> None:
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS statements_fts_au")
        op.execute(FTS_AU_OLD)
    op.drop_index("ix_doc_bands_doc_id", table_name="doc_bands")
    op.drop_table("doc_bands")
    for col in ("speaker_key", "actor_id", "date"):
        op.drop_index(f"ix_clusters_{col}", table_name="clusters")
    op.drop_table("clusters")
    op.drop_index("ix_link_blocks_key_day", table_name="link_blocks")
    op.drop_table("link_blocks")
    op.drop_index("ix_documents_near_dup_of", table_name="documents")
    op.drop_index("ix_statements_cluster_id", table_name="statements")
    if _sqlite():  # in place (SQLite >= 3.35): no table copy, so the FTS triggers survive
        op.execute('ALTER TABLE documents DROP COLUMN "near_dup_of"')
        op.execute('ALTER TABLE statements DROP COLUMN "cluster_id"')
    else:
        op.drop_column("documents", "near_dup_of")
        op.drop_column("statements", "cluster_id")
