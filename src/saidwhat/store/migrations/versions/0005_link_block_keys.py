"""Several blocking keys per statement: ``link_blocks`` keyed by (statement_id, link_key).

A statement is filed under each of its speaker keys (``saidwhat.link.speaker_keys``: country/sector,
actor id, a person's transliterated surname), so a report that lacks the speaker's country or sector
still meets the other reports of the same speaker. The keys are computed by the linker, not by SQL:
the table is recreated empty and every statement goes back to pending (its cluster row too); the next
batch or ``saidwhat link`` files and links them again. Cluster ids do not change for clusters that do
not change (a cluster's id is its earliest member's id); clusters that the new keys join are merged.
The downgrade does the same in reverse (one key per statement, recomputed by the 0004 code).

Also indexes ``documents.outlet`` and ``documents.language``: the web search's outlet and language
filters would otherwise scan the documents table (article text included) on every request.

Revision ID: 0005
Revises: 0004
Create Date: 2024-06-05
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _unlink_all() -> None:
    op.execute("UPDATE statements SET cluster_id = NULL WHERE cluster_id IS NOT NULL")
    op.execute("DELETE FROM clusters")


def upgrade() -> None:
    op.drop_index("ix_link_blocks_key_day", table_name="link_blocks")
    op.drop_table("link_blocks")
    op.create_table(
        "link_blocks",
        sa.Column("statement_id", sa.String(64), sa.ForeignKey("statements.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("link_key", sa.Text, primary_key=True),
        sa.Column("link_day", sa.Integer),
    )
    op.create_index("ix_link_blocks_key_day", "link_blocks", ["link_key", "link_day"])
    op.create_index("ix_documents_outlet", "documents", ["outlet"])
    op.create_index("ix_documents_language", "documents", ["language"])
    _unlink_all()


def downgrade() -> None:
    op.drop_index("ix_documents_language", table_name="documents")
    op.drop_index("ix_documents_outlet", table_name="documents")
    op.drop_index("ix_link_blocks_key_day", table_name="link_blocks")
    op.drop_table("link_blocks")
    op.create_table(
        "link_blocks",
        sa.Column("statement_id", sa.String(64), sa.ForeignKey("statements.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("link_key", sa.Text),
        sa.Column("link_day", sa.Integer),
    )
    op.create_index("ix_link_blocks_key_day", "link_blocks", ["link_key", "link_day"])
    _unlink_all()
