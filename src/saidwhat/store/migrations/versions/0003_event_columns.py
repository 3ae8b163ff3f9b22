"""Event coding on statements: PLOVER type and mode, closest CAMEO code, confidence, reason.

Revision ID: 0003
Revises: 0002
Create Date: 2024-06-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = (
    ("event_type", sa.String(32)),
    ("event_mode", sa.String(32)),
    ("cameo", sa.String(16)),
    ("event_confidence", sa.Float),
    ("event_reason", sa.Text),
)


def upgrade() -> None:
    # plain ADD COLUMN on both backends (SQLite's FTS5 triggers on statements stay as they are)
    for name, type_ in COLUMNS:
        op.add_column("statements", sa.Column(name, type_, nullable=True))
    op.create_index("ix_statements_event_type", "statements", ["event_type"])


def downgrade() -> None:
    op.drop_index("ix_statements_event_type", table_name="statements")
    if op.get_context().dialect.name == "sqlite":
        # SQLite >= 3.35 drops columns in place; no table copy, so the FTS triggers survive
        for name, _ in reversed(COLUMNS):
            op.execute(f'ALTER TABLE statements DROP COLUMN "{name}"')
    else:
        for name, _ in reversed(COLUMNS):
            op.drop_column("statements", name)
