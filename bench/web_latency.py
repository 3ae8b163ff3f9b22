"""Latency of the web UI under load: search and statement pages on a database of >= 100,000
statements, a bounded number of requests with bounded concurrency, loopback only.

    python bench/web_latency.py                     # builds /tmp/saidwhat-web-bench.db once, reuses it
    python bench/web_latency.py --db big.db --requests 2000 --concurrency 8
    python bench/web_latency.py --db postgresql://user:pw@host/db     # filled when empty

The synthetic database is written directly through SQLAlchemy Core (saidwhat.store.schema), in
batches; the server is `saidwhat serve` in a subprocess on 127.0.0.1. Each page kind is driven
``--repeat`` times; every run prints p50/p99/max, errors and the machine's load average before and
after (the 2 cores are shared with whatever else runs), then the median run.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from saidwhat.store import Store
from saidwhat.store.schema import documents, statements

WORDS = ("corridor border talks peace treaty sanctions troops ministry ceasefire agreement "
         "delegation security withdrawal humanitarian aid negotiations summit railway route "
         "pipeline energy gas grain port election parliament protest referendum region "
         "observers mission envoy mediation proposal guarantee violation shelling drone "
         "convoy refugees blockade airport customs tariff trade transit exports").split()
PLACES = "Lachin Baku Yerevan Moscow Ankara Tehran Brussels Washington Tbilisi Syunik".split()
SPEAKERS = [(f"Speaker {i:03d}", f"person:speaker-{i:03d}") for i in range(200)]
KINDS = ("direct", "indirect", "mixed")


def build(db: str, n_statements: int, per_doc: int = 10, seed: int = 7) -> None:
    """Fill ``db`` (a SQLite path or a database URL) with the synthetic corpus."""
    rnd = random.Random(seed)
    store = Store(db)  # schema (+ FTS triggers / tsvector column) via the migrations
    engine = store.engine
    t0 = time.perf_counter()
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        if engine.dialect.name == "sqlite":  # outside any transaction, as SQLite wants it
            conn.connection.driver_connection.execute("PRAGMA synchronous=OFF")
        conn.begin()
        docs, sts = [], []
        for d in range(n_statements // per_doc):
            day = f"{2020 + d % 5}-{1 + d % 12:02d}-{1 + d % 28:02d}"
            text, rows = "", []
            for k in range(per_doc):
                name, actor = rnd.choice(SPEAKERS)
                quote = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 25)))
                quote = f"{rnd.choice(PLACES)} {quote} {rnd.choice(PLACES)}"
                lead = f"{name} said: “"
                start = len(text) + len(lead)
                text += f"{lead}{quote}.” "
                rows.append({"id": f"s{d:07d}{k:02d}", "doc_id": f"d{d:07d}",
                             "kind": KINDS[k % 3], "quote": quote, "start": start,
                             "end": start + len(quote), "cue": "say", "cue_text": "said",
                             "speaker": name, "speaker_mention": name, "actor_id": actor,
                             "actor_type": "person", "date": day, "date_basis": "publication",
                             "targets": json.dumps([rnd.choice(["AZE", "ARM", "RUS", "TUR"])]),
                             "target_actors": "[]", "negated": k == 7, "confidence": 0.8})
            docs.append({"id": f"d{d:07d}", "source": f"bench/{d}.txt", "name": f"{d}.txt",
                         "outlet": f"Outlet {d % 20}", "title": f"Report {d}", "language": "en",
                         "published": day, "date_basis": "header", "format": "txt",
                         "text": text, "ingested_at": "2024-01-01T00:00:00+00:00"})
            sts.extend(rows)
            if len(sts) >= 20_000:
                conn.execute(documents.insert(), docs)
                conn.execute(statements.insert(), sts)
                docs, sts = [], []
        if docs:
            conn.execute(documents.insert(), docs)
            conn.execute(statements.insert(), sts)
        conn.commit()
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    store.close()
    print(f"built {db}: {n_statements:,} statements in {time.perf_counter() - t0:.1f}s")


def load() -> str:
    """The 1-minute load average: the benches share the machine's cores with whatever else runs."""
    return f"{os.getloadavg()[0]:.1f}"


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server process and its workers."""
    import psutil  # a dependency of dask.distributed

    total = 0.0
    try:
        root = psutil.Process(pid)
        for p in [root, *root.children(recursive=True)]:
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
    except psutil.Error:
        pass
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def drive(base: str, urls: list[str], concurrency: int) -> tuple[list[float], int]:
    errors = 0
    with httpx.Client(base_url=base, timeout=30) as client:
        def one(url: str):
            t = time.perf_counter()
            try:
                r = client.get(url)
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            return (time.perf_counter() - t) * 1000, ok

        with ThreadPoolExecutor(concurrency) as pool:
            results = list(pool.map(one, urls))
    errors = sum(1 for _, ok in results if not ok)
    return [ms for ms, _ in results], errors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="/tmp/saidwhat-web-bench.db",
                    help="SQLite path or database URL (e.g. postgresql://...); filled when empty")
    ap.add_argument("--statements", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=2000, help="per page kind")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2, help="server worker processes")
    ap.add_argument("--repeat", type=int, default=3, help="runs per page kind (median printed)")
    ap.add_argument("--server-pythonpath", default=None,
                    help="PYTHONPATH for the server only (e.g. an older checkout's src/)")
    args = ap.parse_args()
    if "://" not in args.db and not Path(args.db).exists():
        build(args.db, args.statements)
    with Store(args.db) as store:
        empty = not store.count_statements()
    if empty:  # a new PostgreSQL database (or schema)
        build(args.db, args.statements)
    with Store(args.db) as store:
        total = store.count_statements()
        ids = [r["id"] for r in store.statements(limit=5000, order="confidence")]
    assert total >= 100_000 or args.statements < 100_000, f"only {total} statements"

    port = free_port()
    cmd = [sys.executable, "-m", "saidwhat.cli", "--db", args.db, "serve", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning", "--workers", str(args.workers)]
    env = dict(os.environ)
    if args.server_pythonpath:  # e.g. an older checkout's src/, to compare before and after
        env["PYTHONPATH"] = args.server_pythonpath
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                httpx.get(base + "/api/health", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.perf_counter() - t0 > 30:
                    raise SystemExit("server did not start")
                time.sleep(0.02)
        print(f"server up in {time.perf_counter() - t0:.2f}s; {total:,} statements; "
              f"{args.requests} requests per kind, {args.concurrency} at a time, "
              f"{args.workers} server worker(s), {os.cpu_count()} CPUs")
        rnd = random.Random(1)
        searches = []
        for _ in range(args.requests):
            q = rnd.choice([rnd.choice(PLACES), rnd.choice(WORDS),
                            f"{rnd.choice(PLACES)} {rnd.choice(WORDS)}",
                            f"{rnd.choice(SPEAKERS)[0].split()[1]} {rnd.choice(PLACES)}"])
            extra = rnd.choice(["", "&kind=direct", "&since=2022-01-01", "&target=AZE",
                                "&page=3", "&sort=relevance", "&outlet=Outlet+3"])
            searches.append(f"/search?q={q.replace(' ', '+')}{extra}")
        pages = {"search": searches,
                 "statement": [f"/statements/{rnd.choice(ids)}" for _ in range(args.requests)]}
        print(f"{'page':<10} {'run':>3} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'max ms':>8} {'errors':>6} {'server CPU ms/req':>17}  load before -> after")
        for name, urls in pages.items():
            drive(base, urls[:50], args.concurrency)  # warm-up
            runs = []
            for k in range(args.repeat):
                before, cpu = load(), server_cpu(proc.pid)
                ms, errors = drive(base, urls, args.concurrency)
                per_request = (server_cpu(proc.pid) - cpu) * 1000 / len(urls)
                runs.append((pct(ms, 99), statistics.median(ms), max(ms), errors, per_request))
                print(f"{name:<10} {k + 1:>3} {len(ms):>8} {statistics.median(ms):>8.1f} "
                      f"{pct(ms, 99):>8.1f} {max(ms):>8.1f} {errors:>6} {per_request:>17.1f}  "
                      f"{before} -> {load()}")
            p99, p50, top, errors, per_request = sorted(runs)[len(runs) // 2]
            print(f"{name:<10} median of {len(runs)} runs: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
                  f"(target < 200 ms), errors {sum(r[3] for r in runs)}; server CPU "
                  f"{per_request:.1f} ms a request (load-independent: {os.cpu_count()} cores "
                  f"serve at most ~{1000 * (os.cpu_count() or 1) / per_request:,.0f} requests/s)")
    finally:
        proc.terminate()
        proc.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
