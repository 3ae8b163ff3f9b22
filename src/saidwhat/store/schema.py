"""Table definitions (SQLAlchemy Core). The migrations create exactly these tables.

Dates are ISO strings (``YYYY-MM-DD``; timestamps ``YYYY-MM-DDTHH:MM:SS+00:00``) so that they sort
as text on every backend and come back out unchanged. List fields (``targets``, ``target_actors``)
are stored as JSON text.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # content hash
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("name", sa.Text),                         # file name of the source
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("language", sa.String(16)),
    sa.Column("published", sa.String(32)),
    sa.Column("date_basis", sa.String(32)),
    sa.Column("format", sa.String(16)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("ingested_at", sa.String(40)),
    # linking (migration 0004): the earlier document this one nearly duplicates (kept, marked)
    sa.Column("near_dup_of", sa.String(64)),
    sa.Index("ix_documents_near_dup_of", "near_dup_of"),
    sa.Index("ix_documents_outlet", "outlet"),        # migration 0005
    sa.Index("ix_documents_language", "language"),    # migration 0005
)

statements = sa.Table(
    "statements",
    metadata,
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
    sa.Column("targets", sa.Text, nullable=False, server_default="[]"),        # JSON list of ISO3
    sa.Column("target_actors", sa.Text, nullable=False, server_default="[]"),  # JSON list of ids
    sa.Column("negated", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("confidence", sa.Float, nullable=False, server_default="0.5"),
    # event coding (migration 0003)
    sa.Column("event_type", sa.String(32)),
    sa.Column("event_mode", sa.String(32)),
    sa.Column("cameo", sa.String(16)),
    sa.Column("event_confidence", sa.Float),
    sa.Column("event_reason", sa.Text),
    # linking (migration 0004): the cluster of reports of the same utterance (NULL: not linked
    # yet, "pending")
    sa.Column("cluster_id", sa.String(64)),
    sa.Index("ix_statements_speaker", "speaker"),
    sa.Index("ix_statements_actor_id", "actor_id"),
    sa.Index("ix_statements_date", "date"),
    sa.Index("ix_statements_doc_id", "doc_id"),
    sa.Index("ix_statements_country", "country"),
    sa.Index("ix_statements_event_type", "event_type"),
    sa.Index("ix_statements_cluster_id", "cluster_id"),
)

# The blocking keys of each statement (migration 0004; several per statement since 0005): the
# linker only compares statements that share a speaker key (``saidwhat.link.speaker_keys``) and whose
# days (statement date, else publication date, as a date ordinal) are close. Kept out of
# ``statements`` so statement records stay as they are.
link_blocks = sa.Table(
    "link_blocks",
    metadata,
    sa.Column("statement_id", sa.String(64), sa.ForeignKey("statements.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("link_key", sa.Text, primary_key=True),
    sa.Column("link_day", sa.Integer),
    sa.Index("ix_link_blocks_key_day", "link_key", "link_day"),
)

# One row per utterance (migration 0004): a summary of its cluster of statements, rewritten when
# the cluster changes. ``id`` is the id of its first report's statement (earliest published).
clusters = sa.Table(
    "clusters",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("speaker_key", sa.Text),
    sa.Column("speaker", sa.Text),
    sa.Column("actor_id", sa.Text),
    sa.Column("date", sa.String(32)),                  # earliest statement date
    sa.Column("event_type", sa.String(32)),
    sa.Column("targets", sa.Text, nullable=False, server_default="[]"),    # JSON list
    sa.Column("canonical_text", sa.Text),              # the longest direct quote (else longest)
    sa.Column("canonical_statement", sa.String(64)),
    sa.Column("negated", sa.Boolean, nullable=False, server_default=sa.false()),  # canonical report's
    sa.Column("first_doc", sa.String(64)),
    sa.Column("first_outlet", sa.Text),
    sa.Column("first_published", sa.String(32)),
    sa.Column("first_start", sa.Integer),
    sa.Column("n_statements", sa.Integer, nullable=False, server_default="1"),
    sa.Column("n_reports", sa.Integer, nullable=False, server_default="1"),  # documents
    sa.Column("n_outlets", sa.Integer, nullable=False, server_default="0"),
    sa.Column("languages", sa.Text, nullable=False, server_default="[]"),  # JSON list
    sa.Index("ix_clusters_speaker_key", "speaker_key"),
    sa.Index("ix_clusters_actor_id", "actor_id"),
    sa.Index("ix_clusters_date", "date"),
)

# MinHash LSH bands of each document's shingles (migration 0004): documents sharing a band are
# near-duplicate candidates, verified by the exact Jaccard of their shingles.
doc_bands = sa.Table(
    "doc_bands",
    metadata,
    sa.Column("band", sa.String(24), primary_key=True),
    sa.Column("doc_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Index("ix_doc_bands_doc_id", "doc_id"),
)

ingest_errors = sa.Table(
    "ingest_errors",
    metadata,
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

# Columns of a statement record, in models.Statement order (``doc`` comes from documents.name).
STATEMENT_COLUMNS = [c.name for c in statements.columns]
JSON_LIST_COLUMNS = ("targets", "target_actors")

# SQLite only: external-content FTS5 index over statements(quote, speaker, speaker_mention),
# kept in sync by triggers. Created by the migrations (see migrations/versions/0001_initial.py).
FTS_TABLE = "statements_fts"

# PostgreSQL only: a generated tsvector column over (quote, speaker, speaker_mention) with a GIN
# index, added by migrations/versions/0002_pg_fulltext.py. Not part of ``metadata`` (SQLite has no
# such column); queries name it through ``sa.literal_column``.
TSV_COLUMN = "search_vector"
