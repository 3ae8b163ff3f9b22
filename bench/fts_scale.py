"""Full-text search latency at scale (the fts part of bench/scale.py): synthetic statements (a
Zipf-distributed vocabulary, 500 speakers) inserted in big executemany batches, then
``Store.search`` latency p50/p95 over 200 mixed queries on SQLite and PostgreSQL."""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from synth import FIRST, LAST, load


def vocabulary(n: int, seed: int = 7) -> list[str]:
    r = random.Random(seed)
    syll = ["ka", "ro", "mi", "ta", "len", "sov", "bar", "ge", "nu", "dri", "pol", "ash", "ver",
            "to", "lin", "que", "zar", "om", "el", "us"]
    out, seen = [], set()
    while len(out) < n:
        w = "".join(r.choice(syll) for _ in range(r.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def fill(store, n_statements: int, per_doc: int = 20, batch: int = 20_000) -> float:
    """Insert synthetic documents and statements (executemany, one transaction per batch)."""
    import itertools

    from saidwhat.store.schema import documents as D
    from saidwhat.store.schema import statements as S

    vocab = vocabulary(20_000)
    weights = list(itertools.accumulate(1 / (k + 1) for k in range(len(vocab))))  # Zipf
    speakers = [f"{f} {l}{k or ''}" for k in range(50) for f, l in zip(FIRST, LAST)]
    r = random.Random(1)
    t0 = time.perf_counter()
    done = 0
    while done < n_statements:
        m = min(batch, n_statements - done)
        docs, stmts = [], []
        for j in range(done, done + m):
            d = j // per_doc
            if j % per_doc == 0:
                docs.append({"id": f"d{d:09d}", "source": f"synthetic/{d}.txt", "name": f"{d}.txt",
                             "text": "synthetic", "published": f"20{10 + d % 14}-01-01",
                             "ingested_at": "2024-01-01T00:00:00+00:00"})
            q = " ".join(r.choices(vocab, cum_weights=weights, k=r.randint(8, 30)))
            sp = speakers[int(r.paretovariate(1.2)) % len(speakers)]
            stmts.append({"id": f"s{j:010d}", "doc_id": f"d{d:09d}", "kind": "direct", "quote": q,
                          "start": 0, "end": len(q), "speaker": sp, "speaker_mention": sp.split()[-1],
                          "date": f"20{10 + d % 14}-01-01", "targets": "[]",
                          "target_actors": "[]", "negated": False, "confidence": 0.5})
        with store._write() as conn, conn.begin():
            if docs:
                conn.execute(D.insert(), docs)
            conn.execute(S.insert(), stmts)
        done += m
        print(f"\rfts    {store.dialect}: inserted {done:,} statements", end="", file=sys.stderr,
              flush=True)
    print(file=sys.stderr)
    return time.perf_counter() - t0


def query_set(n: int = 200, seed: int = 3) -> list[str]:
    vocab = vocabulary(20_000)
    r = random.Random(seed)
    qs = []
    for i in range(n):
        kind = i % 10
        if kind < 4:
            qs.append(r.choice(vocab[200:]))                             # mid / rare word
        elif kind < 6:
            qs.append(r.choice(vocab[:200]))                             # common word
        elif kind < 8:
            qs.append(f"{r.choice(vocab[:2000])} {r.choice(vocab[:2000])}")  # two words
        elif kind == 8:
            qs.append(r.choice(vocab[100:]) [:4] + "*")                  # prefix
        else:
            qs.append(r.choice(LAST))                                    # speaker
    return qs


QUERY_CLASSES = {0: "rare", 1: "rare", 2: "rare", 3: "rare", 4: "common", 5: "common",
                 6: "two-word", 7: "two-word", 8: "prefix", 9: "speaker"}


def measure(store, queries: list[str], limit: int = 20, candidates: int | None = None) -> dict:
    kw = {} if candidates is None else {"candidates": candidates or None}
    for q in queries[:20]:
        store.search(q, limit=limit, **kw)  # warm
    times, hits, by_class = [], 0, {}
    for i, q in enumerate(queries):
        t0 = time.perf_counter()
        hits += len(store.search(q, limit=limit, **kw))
        ms = (time.perf_counter() - t0) * 1000
        times.append(ms)
        by_class.setdefault(QUERY_CLASSES[i % 10], []).append(ms)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))],
            "max": times[-1], "hits": hits,
            "classes": {k: sorted(v)[int(0.95 * (len(v) - 1))] for k, v in by_class.items()}}


def part_fts(args) -> None:
    from saidwhat.store import Store

    queries = query_set()
    targets = []
    tmp = tempfile.mkdtemp()
    if "sqlite" in args.backends:
        targets.append(("sqlite", args.fts_db or str(Path(tmp) / "fts.db"), None))
    pg = args.pg or os.environ.get("SAIDWHAT_TEST_PG")
    cleanup = None
    if "postgresql" not in args.backends:
        pass
    elif not pg:
        try:
            import pg_support
            dsn, reason = pg_support.ensure_server()
            if dsn and args.pg_schema:  # kept between runs (filled once)
                import psycopg
                with psycopg.connect(pg_support._libpq(dsn), autocommit=True) as conn:
                    conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{args.pg_schema}"')
                pg = pg_support.schema_url(dsn, args.pg_schema)
            elif dsn:
                name, pg = pg_support.new_schema(dsn, "bench")
                cleanup = (dsn, name)
            else:
                print(f"fts    postgresql: skipped ({reason})")
        except Exception as exc:  # pragma: no cover
            print(f"fts    postgresql: skipped ({exc})")
    if pg and "postgresql" in args.backends:
        targets.append(("postgresql", pg, cleanup))
    for label, db, clean in targets:
        try:
            with Store(db) as s:
                have = s.count_statements()
                if have == args.statements:
                    took = None
                elif have:
                    raise SystemExit(f"{db} holds {have:,} statements, not {args.statements:,}: "
                                     "remove it (or its schema) first")
                else:
                    took = fill(s, args.statements)
                with s.engine.connect() as c:
                    if s.dialect == "postgresql":
                        # what autovacuum does on a live server: statistics, and the GIN index's
                        # pending list merged into the index
                        c.exec_driver_sql("ANALYZE statements")
                        c.exec_driver_sql("SELECT gin_clean_pending_list("
                                          "'ix_statements_search_vector'::regclass)")
                    else:
                        c.exec_driver_sql("PRAGMA optimize")
                    c.commit()
                how_filled = f"insert {took:.0f} s" if took is not None else "kept from an earlier run"
                print(f"fts    {label:10s}: {args.statements:>9,} statements ({how_filled})")
                for cand in [args.candidates, *([0] if args.exact_too else [])]:
                    runs = [measure(s, queries, candidates=cand) for _ in range(args.repeat)]
                    m = sorted(runs, key=lambda r: r["p95"])[len(runs) // 2]  # the median run
                    p95s = ", ".join(f"{r['p95']:.1f}" for r in runs)
                    how = ("exact ranking" if cand == 0 else
                           f"candidates {cand or 'default'}")
                    print(f"fts    {label:10s}: {how}: search p50 {m['p50']:.1f} ms, "
                          f"p95 {m['p95']:.1f} ms, max {m['max']:.1f} ms over {len(queries)} "
                          f"queries (limit 20; target p95 < 50 ms; load {load()}; median of "
                          f"{len(runs)} run(s), p95s {p95s})")
                    print(f"fts    {label:10s}: {how}: p95 by query class: " + ", ".join(
                        f"{k} {v:.1f} ms" for k, v in m["classes"].items()))
        finally:
            if clean:
                import pg_support
                pg_support.drop_schema(*clean)
    import shutil
    shutil.rmtree(tmp, ignore_errors=True)
