"""Datasette metadata for a saidwhat SQLite database: table titles and descriptions, a description
of every column, the label shown for a foreign key, default sort and facets, and the linker's
internal tables hidden (``saidwhat db datasette-metadata``, docs/datasette.md).

    saidwhat db datasette-metadata --db saidwhat.db > metadata.json
    datasette saidwhat.db -m metadata.json

Declared here, beside the schema, as plain data; ``tests/store/test_datasette.py`` checks that
every table and column it names exists in a migrated database and that every column of a shown
table is described, so it cannot go stale when the schema changes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

# table -> its Datasette metadata; "columns": column -> description (every column of the table)
TABLES: dict[str, dict[str, Any]] = {
    "statements": {
        "title": "Statements: who said what",
        "description": "One attributed statement per row: the reported content, who said it (as "
                       "written and resolved to an actor), the reporting verb, when, about whom, "
                       "and its PLOVER/CAMEO event. Offsets are characters into the document's text.",
        "label_column": "quote",
        "sort_desc": "date",
        "facets": ["kind", "event_type", "country", "sector", "negated"],
        "columns": {
            "id": "Statement id (hash of document, offsets and kind)",
            "doc_id": "The document it was found in",
            "kind": "direct (in quotation marks), indirect (reported speech) or mixed",
            "quote": "What was said: the reported content as written",
            "start": "Character offset where the content starts in the document text",
            "end": "Character offset where the content ends (exclusive)",
            "cue": "Reporting verb or phrase, lemma (say, tell, according to)",
            "cue_text": "Reporting verb or phrase as written (told)",
            "cue_start": "Character offset of the cue",
            "cue_end": "Character offset where the cue ends (exclusive)",
            "speaker": "Speaker: canonical name of the resolved actor",
            "speaker_mention": "Speaker as written in the article (she, the spokesperson, Moscow)",
            "speaker_start": "Character offset of the speaker mention",
            "speaker_end": "Character offset where the speaker mention ends (exclusive)",
            "actor_id": "Speaker's actor id in saidwhat's actor dictionary",
            "actor_type": "person, organization, country or group",
            "country": "Speaker's country (ISO 3166 alpha-3)",
            "sector": "Speaker's sector (GOV, MFA, MIL, PRESIDENT, MEDIA, NGO, ...)",
            "date": "Date the statement was made (YYYY-MM-DD)",
            "date_basis": "How the date was found: explicit, weekday, relative, publication, "
                          "inferred, unknown",
            "targets": "Countries the statement is about or addressed to (JSON list of ISO3 codes)",
            "target_actors": "Actors the statement is about or addressed to (JSON list of ids)",
            "negated": "1: a denial or negated statement (NOT SAID)",
            "confidence": "Confidence of the attribution, 0 to 1",
            "event_type": "PLOVER event type (ACCUSE, REQUEST, THREATEN, ...)",
            "event_mode": "PLOVER event mode",
            "cameo": "Closest CAMEO event code",
            "event_confidence": "Confidence of the event coding, 0 to 1",
            "event_reason": "What decided the event code (model, cue, ...)",
            "cluster_id": "The utterance this statement reports (clusters.id); empty: not linked yet",
        },
    },
    "documents": {
        "title": "Documents: the articles",
        "description": "One ingested article per row, with its full text; the id is a hash of "
                       "the text, so the same article is stored once.",
        "label_column": "name",
        "sort_desc": "published",
        "facets": ["outlet", "language", "date_basis", "format"],
        "columns": {
            "id": "Document id: hash of the normalised text",
            "source": "Where it was read: file path, path#line for JSONL, WARC or feed record",
            "name": "File name of the source",
            "url": "The article's URL, when known",
            "outlet": "The news outlet",
            "title": "Headline",
            "language": "Language (ISO 639-1)",
            "published": "Publication date (YYYY-MM-DD)",
            "date_basis": "How the publication date was found: header, html, jsonl, feed, warc, "
                          "text, inferred, unknown",
            "format": "How the text was read: txt, html or jsonl (WARC records and feed entries: html)",
            "text": "The article text that every offset points into",
            "ingested_at": "When it was stored (UTC)",
            "near_dup_of": "The earlier document this one nearly duplicates (kept, marked)",
        },
    },
    "clusters": {
        "title": "Utterances: one statement reported by several articles",
        "description": "Statements that report the same utterance (same speaker, close dates, "
                       "overlapping content), with the first report.",
        "label_column": "canonical_text",
        "sort_desc": "n_reports",
        "facets": ["event_type", "first_outlet"],
        "columns": {
            "id": "Utterance id: the id of its first report's statement",
            "speaker_key": "The key its statements were grouped by",
            "speaker": "Speaker",
            "actor_id": "Speaker's actor id",
            "date": "Earliest statement date",
            "event_type": "PLOVER event type",
            "targets": "Targets (JSON list of ISO3 codes)",
            "canonical_text": "The utterance as best quoted (the longest direct quote)",
            "canonical_statement": "The statement that text comes from",
            "negated": "1: the canonical report is a denial",
            "first_doc": "The document that reported it first",
            "first_outlet": "The outlet that reported it first",
            "first_published": "When it was first reported",
            "first_start": "Offset of the first report in its document",
            "n_statements": "Statements in the cluster",
            "n_reports": "Documents that report it",
            "n_outlets": "Outlets that report it",
            "languages": "Languages of the reports (JSON list)",
        },
    },
    "ingest_errors": {
        "title": "Ingest errors: what was not stored, and why",
        "description": "Sources and documents that were skipped or failed, one row per source "
                       "and reason (counted again on re-runs).",
        "label_column": "source",
        "sort_desc": "last_seen",
        "facets": ["reason"],
        "columns": {
            "id": "Row id",
            "source": "File, record or URL",
            "reason": "Why: empty, binary, undecodable, too_large, no_article_text, duplicate, "
                      "unsupported_language, bad_record, not_found, extraction_error, timeout",
            "message": "The details",
            "doc_id": "Document id, when the text could be read",
            "first_seen": "First run that met it (UTC)",
            "last_seen": "Last run that met it (UTC)",
            "count": "Runs that met it",
        },
    },
    # internal: the linker's blocking keys and LSH bands, the schema revision
    "link_blocks": {"hidden": True},
    "doc_bands": {"hidden": True},
    "alembic_version": {"hidden": True},
}

FTS = {"statements": "statements_fts"}  # the full-text index of a table (SQLite, migration 0001)


def datasette_metadata(db: str = "saidwhat.db") -> dict[str, Any]:
    """Datasette's metadata (``datasette DB -m metadata.json``) for the SQLite file ``db``:
    Datasette names a database after its file's stem."""
    tables: dict[str, Any] = {}
    for name, meta in TABLES.items():
        table = dict(meta)
        if name in FTS:
            table.update(fts_table=FTS[name], fts_pk="rowid")
        tables[name] = table
    return {
        "title": "saidwhat: who said what",
        "description": "Attributed statements from news articles, extracted by saidwhat: start "
                       "with statements (who said what), documents (the articles), clusters (the "
                       "same utterance in several reports) and ingest_errors.",
        "databases": {Path(db).stem: {"tables": tables}},
    }


__all__ = ["TABLES", "FTS", "datasette_metadata"]
