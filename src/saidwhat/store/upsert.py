"""INSERT ... ON CONFLICT DO UPDATE for SQLite and PostgreSQL, the one write primitive of the store."""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa


def insert_for(conn: sa.Connection, table: sa.Table):
    """The dialect's INSERT (with ON CONFLICT) for ``table``, or None on another backend."""
    name = conn.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:  # pragma: no cover - other backends are not supported yet
        return None
    return insert(table)


def upsert(conn: sa.Connection, table: sa.Table, rows: list[dict], key: list[str],
           keep: Iterable[str] = ()) -> None:
    """INSERT ... ON CONFLICT (key) DO UPDATE all other columns (except ``keep``)."""
    if not rows:
        return
    ins = insert_for(conn, table)
    if ins is None:  # pragma: no cover
        for row in rows:
            conn.execute(table.delete().where(*[table.c[k] == row[k] for k in key]))
        conn.execute(table.insert(), rows)
        return
    skip = set(key) | set(keep)
    cols = [c for c in rows[0] if c not in skip]
    stmt = ins.on_conflict_do_update(index_elements=key,
                                     set_={c: ins.excluded[c] for c in cols})
    conn.execute(stmt, rows)
