"""Machine-readable output: JSONL, CSV and Parquet writers (streamed), and ICEWS/POLECAT-like
event rows. Plain dicts in; no console formatting here (that is render.py)."""
from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import IO, Any

from saidwhat.models import Statement

STATEMENT_FIELDS = [f.name for f in fields(Statement)]


# --- machine-readable output ---------------------------------------------------------------------

def _jsonable(row: dict) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in row.items()}


def write_jsonl(rows: Iterable[dict], fh: IO[str]) -> int:
    n = 0
    for row in rows:
        fh.write(json.dumps(_jsonable(row), ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


# A text cell that starts with one of these is read as a formula by spreadsheet programs (CSV
# injection, OWASP): such a cell is written with a leading apostrophe, which they show as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        v = ";".join(str(x) for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str) and v.startswith(FORMULA_START):
        return "'" + v
    return v


def write_csv(rows: Iterable[dict], fh: IO[str], columns: list[str] | None = None) -> int:
    """CSV with a header; lists joined by ';'. Columns: ``columns``, else statement fields (for
    statement rows) followed by any extra keys of the first row."""
    it = iter(rows)
    first = next(it, None)
    if columns is None:
        if first is None:
            columns = STATEMENT_FIELDS
        elif "quote" in first:
            columns = STATEMENT_FIELDS + [k for k in first if k not in STATEMENT_FIELDS]
        else:
            columns = list(first)
    writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in ([first] if first is not None else []):
        writer.writerow({k: _csv_value(row.get(k)) for k in columns})
        n += 1
    for row in it:
        writer.writerow({k: _csv_value(row.get(k)) for k in columns})
        n += 1
    return n


def _parquet_schema(columns: list[str] | None = None):
    import pyarrow as pa

    types = {"start": pa.int64(), "end": pa.int64(), "cue_start": pa.int64(),
             "cue_end": pa.int64(), "speaker_start": pa.int64(), "speaker_end": pa.int64(),
             "targets": pa.list_(pa.string()), "target_actors": pa.list_(pa.string()),
             "target_countries": pa.list_(pa.string()), "negated": pa.bool_(),
             "confidence": pa.float64(), "event_confidence": pa.float64()}
    return pa.schema([(name, types.get(name, pa.string())) for name in (columns or STATEMENT_FIELDS)])


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_parquet(rows: Iterable[dict], path: str | Path, batch_size: int = 10_000,
                  columns: list[str] | None = None) -> int:
    """Statement rows to Parquet, written in row groups of ``batch_size`` (streamed)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema(columns)
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for batch in _batches(rows, batch_size):
            cols = {name: [r.get(name) for r in batch] for name in schema.names}
            writer.write_table(pa.table(cols, schema=schema))
            n += len(batch)
        if n == 0:
            writer.write_table(schema.empty_table())
    return n


EXPORT_FORMATS = ("jsonl", "csv", "parquet")


def export(rows_iter: Iterable[dict], fmt: str, path: str | Path, columns: list[str] | None = None) -> int:
    """Write rows to ``path`` ('-' = stdout for jsonl/csv). Returns the row count. ``columns``:
    the fields of CSV and Parquet output (default: the statement fields)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet":
        if str(path) == "-":
            raise ValueError("parquet needs a file path, not stdout")
        return write_parquet(rows_iter, path, columns=columns)

    def writer(rows, fh):
        return write_jsonl(rows, fh) if fmt == "jsonl" else write_csv(rows, fh, columns)
    if str(path) == "-":
        return writer(rows_iter, sys.stdout)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        return writer(rows_iter, fh)


EVENT_COLUMNS = ("date", "source_actor", "source_name", "source_country", "source_sector", "event_type",
                 "mode", "cameo", "target_actors", "target_countries", "quote", "statement_id", "doc",
                 "url")


def event_rows(rows: Iterable[dict], store) -> Iterator[dict]:
    """One ICEWS/POLECAT-like event row per coded statement (document urls looked up once each)."""
    urls: dict[str, str | None] = {}
    for r in rows:
        if r.get("negated") or not r.get("event_type"):
            continue
        doc_id = r.get("doc_id")
        if doc_id not in urls:
            d = store.document(doc_id) or {}
            urls[doc_id] = d.get("url") or d.get("source")
        yield {"date": r.get("date"), "source_actor": r.get("actor_id"), "source_name": r.get("speaker"),
               "source_country": r.get("country"), "source_sector": r.get("sector"),
               "event_type": r.get("event_type"), "mode": r.get("event_mode"), "cameo": r.get("cameo"),
               "target_actors": list(r.get("target_actors") or []),
               "target_countries": list(r.get("targets") or []), "quote": r.get("quote"),
               "statement_id": r.get("id"), "doc": r.get("doc"), "url": urls[doc_id]}
