#!/usr/bin/env python3
"""Scale-out figures: one-process speed, Dask speed-up, ingest memory, full-text search latency.

    python bench/scale.py                         # everything, full sizes (tens of minutes)
    python bench/scale.py --quick                 # small sizes, a couple of minutes
    python bench/scale.py --only fts --statements 1000000 --pg postgresql://u:p@host/db

Parts (``--only speed,dask,rss,fts``):

- speed: pipeline words/s in one process (``pipeline.process``), on synthetic articles and on
  real-sized ones (the sample articles, each copy made distinct);
- dask: a full ingest into SQLite, one process (``pipeline.ingest`` in a fresh interpreter of its
  own, model loaded before timing) against a LocalCluster of 2
  workers (``runners.DaskRunner``; the cluster is started and the model loaded before timing,
  start-up reported apart), same documents; prints the speed-up (target >= 1.7 on 2 cores), the
  CPU seconds of the one process, of the Dask client and of the workers, and the CPU-bound
  ceiling of the speed-up (2 x one-process CPU / Dask CPU: what 2 idle cores would give with no
  core ever waiting; insensitive to other load, unlike the wall-clock ratio);
- rss: peak RSS of a fresh ``saidwhat ingest`` process on a JSONL of N short articles, for each N
  of ``--rss-docs`` (default 2000,20000): flat memory means the two peaks are about equal;
- fts: ``--statements`` synthetic statements (default 1,000,000; Zipf-distributed vocabulary,
  500 speakers) inserted in big executemany batches, then ``Store.search`` latency p50/p95 over
  200 mixed queries (rare, common, two-word, prefix, speaker) on SQLite and, when ``--pg`` or
  ``$SAIDWHAT_TEST_PG`` or the local test cluster is there, PostgreSQL (target p95 < 50 ms).

Benchmarks print figures; they are never timed tests.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
sys.path.insert(0, str(REPO / "tests"))  # pg_support, for the local test cluster


# --- texts ---------------------------------------------------------------------------------------

FIRST = ["Maria", "Antony", "Wang", "Jeyhun", "Ararat", "Olena", "Hakan", "Josep", "Sergei", "Ned"]
LAST = ["Zakharova", "Blinken", "Wenbin", "Bayramov", "Mirzoyan", "Kovalenko", "Fidan", "Borrell",
        "Lavrov", "Price"]
ROLES = ["Foreign Ministry spokeswoman", "Secretary of State", "Foreign Minister",
         "presidential adviser", "government spokesman"]
TOPICS = ["the transit routes", "the peace talks", "the border commission", "the grain deal",
          "the energy corridor", "the sanctions package", "the humanitarian convoy",
          "the prisoner exchange", "the water agreement", "the railway link"]
CITIES = ["Geneva", "Vienna", "Moscow", "Brussels", "Ankara", "Tbilisi"]


def synthetic_article(i: int, paragraphs: int = 8) -> str:
    r = random.Random(i)
    out = [f" date 2023-{1 + i % 12:02d}-{1 + i % 27:02d} "]
    for p in range(paragraphs):
        first, last = r.choice(FIRST), r.choice(LAST)
        role, topic, city = r.choice(ROLES), r.choice(TOPICS), r.choice(CITIES)
        n = r.randint(2, 90)
        out.append(r.choice([
            f"{role} {first} {last} said on Monday that {topic} would be discussed again in "
            f"{city} within {n} days, adding that no decision had been taken.",
            f"“We are ready to continue the dialogue on {topic}, and we expect concrete steps from "
            f"our partners,” {last} told reporters in {city}.",
            f"{last} denied that the delegation had left the meeting early and called on both "
            f"sides to refrain from statements that could damage {topic}.",
            f"According to {last}, the next meeting will take place in {city} at the level of "
            f"deputy ministers, {n} officials said.",
            f"“There is no alternative to negotiations,” {first} {last} said, “and round {n} will "
            "show whether the other side is serious.”",
            f"Officials in {city} did not comment on {topic}. Local media reported {n} trucks "
            "waiting at the crossing on Tuesday morning.",
        ]))
        out.append(f"(ref {i}-{p})" if p == paragraphs - 1 else "")
    return "\n\n".join(x for x in out if x) + "\n"


def real_sized(n_words: int) -> list[str]:
    """The sample articles, repeated until ``n_words``, each copy distinct (no dedup)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    out, total, k = [], 0, 0
    while total < n_words:
        t = texts[k % len(texts)].rstrip("\n") + f"\n\n(copy {k})\n"
        out.append(t)
        total += len(t.split())
        k += 1
    return out


def synthetic(n_words: int, paragraphs: int = 8) -> list[str]:
    out, total, i = [], 0, 0
    while total < n_words:
        t = synthetic_article(i, paragraphs)
        out.append(t)
        total += len(t.split())
        i += 1
    return out


def words(texts) -> int:
    return sum(len(t.split()) for t in texts)


def write_corpus(texts: list[str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, t in enumerate(texts):
        (folder / f"a{i:06d}.txt").write_text(t, encoding="utf-8")
    return folder


def documents(texts: list[str]):
    from saidwhat.models import Document, content_id
    return [Document(id=content_id(t), source=f"bench/{i}.txt", text=t)
            for i, t in enumerate(texts)]


# --- parts ---------------------------------------------------------------------------------------

def part_speed(args) -> None:
    from saidwhat.config import Settings
    from saidwhat.pipeline import load_nlp, process

    settings = Settings()
    nlp = load_nlp(settings)
    list(process(documents(synthetic(2000)), settings, nlp=nlp))  # warm-up
    for label, texts in (("synthetic", synthetic(args.words)), ("real-sized", real_sized(args.words))):
        docs = documents(texts)
        t0 = time.perf_counter()
        n = sum(len(r.statements) for r in process(docs, settings, nlp=nlp))
        dt = time.perf_counter() - t0
        print(f"speed  {label:10s}: {words(texts):>8,} words, {len(docs):>5} docs, {n:>6} statements "
              f"in {dt:6.1f} s = {words(texts) / dt:>7,.0f} words/s (one process)")


def part_dask(args) -> None:
    """One process against 2 Dask workers on the same documents, ``--repeat`` times, interleaved
    (one, two, one, two, ...) so that load from elsewhere hits both alike; prints every pair with
    the load average and the median speed-up."""
    from saidwhat.config import Settings
    from saidwhat.runners import DEFAULT_CHUNK, DaskRunner
    from saidwhat.store import Store

    texts = real_sized(args.dask_words // 2) + synthetic(args.dask_words // 2)
    n = words(texts)
    settings = Settings()
    chunk = args.chunk_size or DEFAULT_CHUNK
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(texts, Path(tmp) / "corpus")
        t0 = time.perf_counter()
        runner = DaskRunner(workers=2, settings=settings)
        runner.client.run(lambda: None)
        start = time.perf_counter() - t0
        pairs = []
        try:
            with Store(str(Path(tmp) / "warm.db")) as s:  # warms the workers' models
                runner.ingest([str(p) for p in sorted(corpus.iterdir())[:8]], s, chunk_size=1)
            for k in range(args.repeat):
                load_before = load()
                # in a process of its own, so the idle cluster's threads share nothing with it
                one, one_cpu, one_statements = one_process(corpus, Path(tmp) / f"one{k}.db")
                workers0 = children_cpu()
                t0, cpu0 = time.perf_counter(), time.process_time()
                with Store(str(Path(tmp) / f"two{k}.db")) as s:
                    rep2 = runner.ingest([str(corpus)], s, chunk_size=chunk)
                two, client_cpu = time.perf_counter() - t0, time.process_time() - cpu0
                workers_cpu = children_cpu() - workers0
                assert one_statements == rep2.statements, (one_statements, rep2.statements)
                # CPU-bound ceiling of the speed-up on 2 cores: all the CPU the Dask run used
                # (client + workers) spread over both cores, against the one process's CPU; it
                # does not depend on the machine's load as wall-clock times do
                ceiling = 2 * one_cpu / (client_cpu + workers_cpu)
                pairs.append((one / two, one, two, client_cpu, load_before, load(), ceiling))
                print(f"dask   run {k + 1}: 1 process {one:.1f} s (CPU {one_cpu:.1f} s), 2 workers "
                      f"{two:.1f} s (CPU: client {client_cpu:.1f} s, workers {workers_cpu:.1f} s) "
                      f"= {one / two:.2f}x; CPU-bound ceiling {ceiling:.2f}x; "
                      f"load {load_before} -> {load()}")
        finally:
            runner.close()
    ratios = sorted(p[0] for p in pairs)
    med = ratios[len(ratios) // 2]
    one, two = sorted((p[1], p[2]) for p in pairs)[len(pairs) // 2]
    ceilings = sorted(p[6] for p in pairs)
    cpus = sorted(p[3] for p in pairs)
    print(f"dask   ingest {n:,} words, {len(texts)} docs, {rep2.statements} statements, chunks of "
          f"{chunk}: 1 process {one:.1f} s ({n / one:,.0f} words/s); 2 workers {two:.1f} s "
          f"({n / two:,.0f} words/s; cluster start + model load {start:.1f} s, not counted)")
    print(f"dask   speedup 2 workers / 1 process = median {med:.2f}x of {len(ratios)} "
          f"(all: {', '.join(f'{r:.2f}' for r in ratios)}; target >= 1.7); with start-up "
          f"{one / (two + start):.2f}x; client CPU median {cpus[len(cpus) // 2]:.1f} s; "
          f"CPU-bound ceiling median {ceilings[len(ceilings) // 2]:.2f}x")


_ONE_PROCESS = """
import json, sys, time
from saidwhat.config import Settings
from saidwhat.pipeline import ingest, load_nlp
from saidwhat.store import Store
settings = Settings()
list(load_nlp(settings).pipe(["Warm-up text, said the model."]))
t0, cpu0 = time.perf_counter(), time.process_time()
with Store(sys.argv[2]) as s:
    rep = ingest([sys.argv[1]], s, settings)
print(json.dumps([time.perf_counter() - t0, time.process_time() - cpu0, rep.statements]))
"""


def one_process(corpus: Path, db: Path) -> tuple[float, float, int]:
    """A one-process ingest (``pipeline.ingest``) in a fresh interpreter, its model loaded and
    warmed before timing: (wall seconds, CPU seconds, statements)."""
    out = subprocess.run([sys.executable, "-c", _ONE_PROCESS, str(corpus), str(db)], check=True,
                         capture_output=True, text=True).stdout
    wall, cpu, statements = json.loads(out.strip().splitlines()[-1])
    return wall, cpu, statements


def children_cpu() -> float:
    """User + system CPU seconds of this process's live children (the LocalCluster's workers)."""
    import psutil

    total = 0.0
    for p in psutil.Process().children(recursive=True):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def part_rss(args) -> None:
    sizes = [int(x) for x in args.rss_docs.split(",")]
    peaks = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "articles.jsonl"
            with src.open("w", encoding="utf-8") as f:
                for i in range(n):
                    f.write(json.dumps({"text": synthetic_article(i, paragraphs=2),
                                        "date": "2023-05-01"}) + "\n")
            code = ("import resource, sys\n"
                    "from saidwhat.cli import main\n"
                    "sys.argv = ['saidwhat', 'ingest', sys.argv[1], '--db', sys.argv[2]]\n"
                    "try:\n    main()\nexcept SystemExit:\n    pass\n"
                    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-c", code, str(src), str(Path(tmp) / "r.db")],
                               capture_output=True, text=True)
            dt = time.perf_counter() - t0
            line = [x for x in r.stdout.splitlines() if x.startswith("PEAK")]
            if not line:
                print(f"rss    {n} docs: failed: {r.stderr[-500:]}")
                return
            peak = int(line[-1].split()[1]) / 1024
            peaks.append(peak)
            print(f"rss    ingest of {n:>6,} docs ({words_of_jsonl(src):,} words): "
                  f"peak RSS {peak:,.0f} MiB ({dt:.0f} s)")
    if len(peaks) >= 2:
        print(f"rss    peak at {sizes[-1]:,} / peak at {sizes[0]:,} docs = {peaks[-1] / peaks[0]:.2f} "
              "(flat = about 1)")


def words_of_jsonl(path: Path) -> int:
    return sum(len(json.loads(line)["text"].split()) for line in path.open(encoding="utf-8"))


# --- full-text search ----------------------------------------------------------------------------

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


def load() -> str:
    """The machine's 1-minute load average (the benches share 2 cores with whatever else runs)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:  # pragma: no cover
        return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="speed,dask,rss,fts")
    ap.add_argument("--quick", action="store_true", help="small sizes (a couple of minutes)")
    ap.add_argument("--words", type=int, default=60_000, help="words per speed measurement")
    ap.add_argument("--dask-words", type=int, default=120_000)
    ap.add_argument("--chunk-size", type=int, default=None,
                    help="dask: documents per task (default: the runner's)")
    ap.add_argument("--rss-docs", default="2000,20000")
    ap.add_argument("--statements", type=int, default=1_000_000)
    ap.add_argument("--pg", default=None, help="PostgreSQL URL for the fts part")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--candidates", type=int, default=None,
                    help="fts: rank at most this many matches (default: the store's; 0 = all)")
    ap.add_argument("--fts-db", default=None,
                    help="fts: SQLite file to fill once and keep (reused when it holds "
                         "--statements statements)")
    ap.add_argument("--pg-schema", default=None,
                    help="fts: schema of the local test cluster to fill once and keep")
    ap.add_argument("--repeat", type=int, default=3,
                    help="fts, dask: measure this many times, print the median")
    ap.add_argument("--exact-too", action="store_true",
                    help="fts: also measure exact ranking of every match (candidates=None)")
    args = ap.parse_args()
    if args.quick:
        args.words, args.dask_words, args.rss_docs, args.statements = 10_000, 20_000, "200,2000", 50_000
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    parts = {"speed": part_speed, "dask": part_dask, "rss": part_rss, "fts": part_fts}
    for name in args.only.split(","):
        parts[name.strip()](args)


if __name__ == "__main__":
    main()
