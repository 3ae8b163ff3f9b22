#!/usr/bin/env python3
"""Scale-out figures: one-process speed, Dask speed-up, ingest memory, full-text search latency.

    python bench/scale.py                         # everything, full sizes (tens of minutes)
    python bench/scale.py --quick                 # small sizes, a couple of minutes
    python bench/scale.py --only fts --statements 1000000 --pg postgresql://u:p@host/db

Parts (``--only speed,dask,rss,fts``):

- speed: pipeline words/s in one process (``pipeline.process``), on synthetic articles and on
  real-sized ones (the sample articles, each copy made distinct);
- dask: a full ingest into SQLite, one process (``runners.ingest`` in a fresh interpreter of its
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

The texts come from bench/synth.py, the fts part from bench/fts_scale.py. Benchmarks print figures;
they are never timed tests.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fts_scale import part_fts
from synth import REPO, documents, load, real_sized, synthetic, synthetic_article, words, write_corpus

sys.path.insert(0, str(REPO / "tests"))  # pg_support, for the local test cluster

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
    from saidwhat import Store  # the library's Store: links what it writes
    from saidwhat.config import Settings
    from saidwhat.runners import DEFAULT_CHUNK, DaskRunner

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
from saidwhat.pipeline import load_nlp
from saidwhat.runners import ingest
from saidwhat import Store
settings = Settings()
list(load_nlp(settings).pipe(["Warm-up text, said the model."]))
t0, cpu0 = time.perf_counter(), time.process_time()
with Store(sys.argv[2]) as s:
    rep = ingest([sys.argv[1]], s, settings)
print(json.dumps([time.perf_counter() - t0, time.process_time() - cpu0, rep.statements]))
"""


def one_process(corpus: Path, db: Path) -> tuple[float, float, int]:
    """A one-process ingest (``runners.ingest``) in a fresh interpreter, its model loaded and
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
