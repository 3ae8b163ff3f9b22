"""Datasette metadata (``saidwhat.store.datasette``, ``saidwhat db datasette-metadata``): it names
only tables and columns that a migrated database has, describes every column of every table it
shows, and Datasette opens a real database with it (titles, column descriptions, search)."""
from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saidwhat.cli import app
from saidwhat.store import Store
from saidwhat.store.datasette import FTS, TABLES, datasette_metadata
from store_support import make_results  # noqa: F401  (fixture)


@pytest.fixture
def filled(tmp_path, make_results) -> str:
    path = str(tmp_path / "news.db")
    with Store(path) as s:
        s.add_results(make_results())
    return path


def _schema(path: str) -> dict[str, list[str]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")]
        return {n: [c[1] for c in con.execute(f'PRAGMA table_info("{n}")')] for n in names}
    finally:
        con.close()


def test_metadata_names_only_what_exists_and_describes_every_column(filled):
    schema = _schema(filled)
    for table, meta in TABLES.items():
        assert table in schema, f"metadata names a table the migrations do not create: {table}"
        columns = meta.get("columns")
        if meta.get("hidden"):
            assert not columns
            continue
        assert set(columns) == set(schema[table]), f"{table}: described vs real columns"
        assert all(isinstance(v, str) and v.strip() for v in columns.values())
        named = [meta["label_column"], meta["sort_desc"], *meta["facets"]]
        assert set(named) <= set(schema[table]), f"{table}: {named}"
        assert meta["title"] and meta["description"]
    for table, fts in FTS.items():
        assert table in TABLES and fts in schema
    # every table of the database is described or hidden (FTS5's own tables: Datasette hides them)
    fts_parts = {t for t in schema if any(t == f or t.startswith(f + "_") for f in FTS.values())}
    assert set(schema) - fts_parts == set(TABLES)


def test_cli_prints_and_writes_the_metadata_and_creates_nothing(tmp_path):
    runner = CliRunner()
    db = tmp_path / "archive" / "press.db"
    res = runner.invoke(app, ["db", "datasette-metadata", "--db", str(db)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data == datasette_metadata(str(db))
    assert data["databases"]["press"]["tables"]["statements"]["fts_table"] == "statements_fts"
    assert not db.exists() and not db.parent.exists()
    out = tmp_path / "metadata.json"
    res = runner.invoke(app, ["db", "datasette-metadata", "--db", str(db), "-o", str(out)])
    assert res.exit_code == 0 and json.loads(out.read_text(encoding="utf-8")) == data
    res = runner.invoke(app, ["db", "datasette-metadata", "--db", "postgresql://h/x"])
    assert res.exit_code == 2 and "SQLite" in res.stderr
    res = runner.invoke(app, ["db", "datasette-metadata", "--db", str(db), "-o",
                              str(tmp_path / "no" / "such" / "m.json")])
    assert res.exit_code == 1 and "cannot write" in res.stderr


def test_datasette_opens_the_database_with_the_metadata(filled, make_results):
    pytest.importorskip("datasette", reason="datasette is not installed (the [test] extra has it)")
    from datasette.app import Datasette

    before = Path(filled).read_bytes()

    async def pages() -> dict[str, tuple[int, str]]:
        ds = Datasette([filled], metadata=datasette_metadata(filled))
        out = {}
        for path in ("/news", "/news/statements", "/news/statements.json?_search=sanctions&_shape=array",
                     "/news/documents.json?_shape=array", "/news/ingest_errors"):
            r = await ds.client.get(path)
            out[path] = (r.status_code, r.text)
        return out

    got = asyncio.run(pages())
    assert all(status == 200 for status, _ in got.values()), {k: v[0] for k, v in got.items()}
    index = got["/news"][1]
    assert all(f'href="/news/{t}"' in index for t in ("statements", "documents", "clusters"))
    assert "link_blocks" not in index and "doc_bands" not in index  # hidden
    table = got["/news/statements"][1]
    assert "<h1>Statements: who said what</h1>" in table  # the table's title
    assert "What was said: the reported content as written" in table  # a column's description
    found = json.loads(got["/news/statements.json?_search=sanctions&_shape=array"][1])
    assert found and all("sanctions" in r["quote"].lower() for r in found)
    assert len(json.loads(got["/news/documents.json?_shape=array"][1])) == len(make_results())
    assert Path(filled).read_bytes() == before
