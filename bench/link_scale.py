"""Scale benchmark for saidwhat.link (issue 6): synthetic reports of the same utterances.

    python bench/link_scale.py [--sizes 10000 30000 100000] [--seed 7] [--store [--batch 500]]

A few hundred speakers (pairs of them share a country/sector block, like a spokesperson and her
ministry), utterances spread over a year, each reported 1-8 times as the full direct quote, a partial
quote, a rewording or an indirect rendering, published 0-2 days later. Prints the time to link, the
pairwise F1 against the synthetic truth, and time(largest)/time(smallest) (near-linear: ~size ratio).
With a fixed 300 speakers over one year, block density (candidates per statement) grows with the
size; ``--scale-speakers`` keeps it constant.

``--store``: the product path instead: the statements (one short document each) are written to a
fresh SQLite database by ``Store.add_results`` in batches of ``--batch`` statements, each batch
linked incrementally in its transaction (candidates loaded by block from the database) and its
documents checked for near duplicates; prints the write+link time and, for comparison, the same
writes with linking off (``Store(link=False)``).
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import date as _date

from saidwhat.eval.links import pairwise_scores
from saidwhat.link import Linker

SYL = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "bor", "dan", "gel", "hum", "pra", "stro",
       "vel", "min", "tar", "gos", "lek"]
START = _date(2024, 1, 1).toordinal()
FUNC = "the of and to in that is was will would on for with a by it not from at as be this".split()


def vocab(rng: random.Random, n: int = 6000) -> list[str]:
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYL) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def synth(n: int, seed: int = 7, n_speakers: int = 300):
    rng = random.Random(seed)
    voc = vocab(rng)
    weights = [1.0 / (i + 10) for i in range(len(voc))]  # Zipf-ish: common words recur across utterances
    speakers = [dict(speaker=f"Speaker {i}", actor_id=f"person:sp-{i}", actor_type="person",
                     country=f"C{i // 2:03d}", sector="MFA") for i in range(n_speakers)]
    out, truth, u = [], {}, 0
    while len(out) < n:
        sp = rng.choice(speakers)
        day = rng.randint(0, 364)
        words = rng.choices(voc, weights, k=rng.randint(12, 35))
        text = []
        for w in words:
            text.append(w)
            if rng.random() < 0.4:
                text.append(rng.choice(FUNC))
        for r in range(rng.randint(1, 8)):
            kind, q = "direct", list(text)
            mode = rng.random()
            if mode < 0.25 and len(q) > 10:  # partial quote
                ln = int(len(q) * rng.uniform(0.5, 0.9))
                st = rng.randint(0, len(q) - ln)
                q = q[st:st + ln]
            elif mode < 0.6:  # rewording
                q = [rng.choice(voc) if rng.random() < 0.12 else w for w in q if rng.random() > 0.08]
            elif mode < 0.85:  # indirect rendering
                kind = "indirect"
                q = ["that"] + [rng.choice(FUNC) if rng.random() < 0.1 else w for w in q]
            pub = day + rng.randint(0, 2)
            sid = f"u{u}r{r}"
            out.append(dict(id=sid, doc=f"doc{u}-{r}.txt", doc_id=f"{rng.getrandbits(48):012x}", kind=kind,
                            quote=" ".join(q), start=rng.randint(0, 5000), end=0,
                            date=None if rng.random() < 0.2 else _iso(day), published=_iso(pub),
                            outlet=f"outlet{rng.randint(0, 40)}", **sp))
            truth[sid] = f"u{u}"
        u += 1
    out = out[:n]
    return out, {s["id"]: truth[s["id"]] for s in out}


def _iso(day: int) -> str:
    return _date.fromordinal(START + day).isoformat()


def store_run(sts: list[dict], batch: int, link: bool) -> tuple[float, dict]:
    import tempfile
    from pathlib import Path

    from saidwhat import Store  # the library's Store: links what it writes
    from saidwhat.models import DocResult, Document, Statement

    fields = set(Statement.__dataclass_fields__)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "bench.db"), link=link)
        t0 = time.perf_counter()
        for i in range(0, len(sts), batch):
            results = []
            for s in sts[i:i + batch]:
                text = f"{s['outlet']} report. {s['speaker']} said: {s['quote']}"
                doc = Document(id=s["doc_id"], source=s["doc"], text=text, published=s["published"],
                               outlet=s["outlet"], language="en")
                st = {k: v for k, v in s.items() if k in fields}
                st["end"] = st["start"] + len(st["quote"])
                results.append(DocResult(doc, [Statement(**st)]))
            store.add_results(results)
        dt = time.perf_counter() - t0
        assign = {r["id"]: r["cluster_id"] for r in store.iter_statements()} if link else {}
        store.close()
    return dt, assign


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scale-speakers", action="store_true",
                    help="300 speakers per 10k statements (constant block density) instead of 300 in all")
    ap.add_argument("--store", action="store_true", help="write + link through Store.add_results")
    ap.add_argument("--batch", type=int, default=500, help="statements per write batch (--store)")
    a = ap.parse_args()
    times = {}
    for n in a.sizes:
        sts, truth = synth(n, a.seed, 300 * n // 10_000 if a.scale_speakers else 300)
        if a.store:
            plain, _ = store_run(sts, a.batch, link=False)
            dt, assign = store_run(sts, a.batch, link=True)
            times[n] = dt
            sc = pairwise_scores(assign, truth)
            print(f"n={n:>7}  write+link {dt:7.2f} s  (write only {plain:6.2f} s, linking "
                  f"{dt - plain:6.2f} s)  P={sc['precision']:.3f} R={sc['recall']:.3f} "
                  f"F1={sc['f1']:.3f}", flush=True)
            continue
        t0 = time.perf_counter()
        lk = Linker(window_days=3)
        lk.add(sts)
        dt = time.perf_counter() - t0
        times[n] = dt
        sc = pairwise_scores(lk.assignments(), truth)
        print(f"n={n:>7}  link {dt:7.2f} s  clusters={len(lk.clusters()):>6}  "
              f"P={sc['precision']:.3f} R={sc['recall']:.3f} F1={sc['f1']:.3f}", flush=True)
    lo, hi = min(times), max(times)
    print(f"time({hi})/time({lo}) = {times[hi] / times[lo]:.1f}  (size ratio {hi / lo:.0f})")


if __name__ == "__main__":
    main()
