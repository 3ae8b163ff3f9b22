"""The CLI commands that run the pipeline (ingest, extract, demo, eval) with a fake pipeline, and end to
end with the real one when it is importable."""
from __future__ import annotations

import importlib.util
import json
import sys
import types
from pathlib import Path

import pytest

from cli_support import WIDE, _jsonl, make_results, runner  # noqa: F401  (fixtures)
from saidwhat.cli import app
from saidwhat.cli import run as cli_run
from saidwhat.models import DocResult, Document, IngestError, Statement
from saidwhat.store import Store

# --- ingest / extract / demo / eval with a fake pipeline -----------------------------------------

@pytest.fixture
def fake_pipeline(make_results, monkeypatch):
    """Stand-in stages under the real engine (``saidwhat.runners``: ingest and extract_paths):
    reading turns every existing file into a document of make_results(), a missing one into
    not_found and an empty one into empty; processing gives each document its statements."""
    from saidwhat import pipeline, runners

    calls = {}
    by_id = {r.document.id: r for r in make_results()}

    def iter_sources(paths, settings=None, *, language=True):
        calls["settings"] = settings
        results = make_results()
        for i, p in enumerate(paths):
            if not Path(p).exists():
                yield IngestError(p, "not_found", "no such file")
            elif Path(p).stat().st_size == 0:
                yield IngestError(p, "empty", "no text")
            else:
                yield results[i % len(results)].document

    def process(docs, settings=None, nlp=None, batch_size=16):
        for d in docs:
            yield DocResult(d, by_id[d.id].statements)

    monkeypatch.setattr(runners, "iter_sources", iter_sources)
    for module in (runners, pipeline):
        monkeypatch.setattr(module, "process", process)
    return calls


def _files(tmp_path, n=2, empty=False):
    paths = []
    for i in range(n):
        p = tmp_path / f"art{i}.txt"
        p.write_text("" if empty else f"article {i}", encoding="utf-8")
        paths.append(str(p))
    return paths


def test_ingest_with_fake_pipeline(runner, tmp_path, fake_pipeline):
    db = str(tmp_path / "i.db")
    paths = _files(tmp_path) + [str(tmp_path / "missing.txt")]
    res = runner.invoke(app, ["ingest", *paths, "--db", db, "--batch-size", "7",
                              "--text-field", "body"], env=WIDE)
    assert res.exit_code == 0, res.output
    assert "documents seen 3" in res.stdout and "stored 2" in res.stdout
    assert "statements stored 3" in res.stdout and "not_found 1" in res.stdout
    s = fake_pipeline["settings"]
    assert s.batch_size == 7 and s.text_field == "body" and s.db == db
    # re-run: everything is a duplicate, which is not a failure
    res = runner.invoke(app, ["ingest", *paths, "--db", db], env=WIDE)
    assert res.exit_code == 0 and "duplicates 2" in res.stdout
    with Store(db) as st:
        assert st.stats()["statements"] == 3


def test_ingest_nothing_readable_exits_1(runner, tmp_path, fake_pipeline):
    db = str(tmp_path / "i.db")
    res = runner.invoke(app, ["ingest", str(tmp_path / "nope1"), str(tmp_path / "nope2"),
                              "--db", db])
    assert res.exit_code == 1
    assert "nothing could be read" in res.stderr
    # an empty file was read (and skipped): not a failure
    res = runner.invoke(app, ["ingest", *_files(tmp_path, 1, empty=True), "--db", db])
    assert res.exit_code == 0, res.output


def test_ingest_pipeline_crash_exits_1(runner, tmp_path, fake_pipeline, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("model not found")

    from saidwhat import runners

    monkeypatch.setattr(runners, "process", boom)
    res = runner.invoke(app, ["ingest", *_files(tmp_path), "--db", str(tmp_path / "x.db")])
    assert res.exit_code == 1 and "model not found" in res.stderr


def test_extract_jsonl(make_results, runner, tmp_path, fake_pipeline):
    paths = _files(tmp_path, 2) + [str(tmp_path / "missing.txt")]
    res = runner.invoke(app, ["extract", *paths, "--text-field", "body"])
    assert res.exit_code == 0, res.output
    rows = _jsonl(res.stdout)
    assert len(rows) == 3
    assert rows[0] == make_results()[0].statements[0].record()
    assert "[bold]" in rows[0]["quote"]
    err_lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(err_lines) == 1 and "missing.txt" in err_lines[0] and "not_found" in err_lines[0]
    assert fake_pipeline["settings"].text_field == "body"


def test_extract_table_and_nothing_read(runner, tmp_path, fake_pipeline):
    res = runner.invoke(app, ["extract", *_files(tmp_path, 1), "--format", "table"], env=WIDE)
    assert res.exit_code == 0 and "Maria Zakharova" in res.stdout
    res = runner.invoke(app, ["extract", str(tmp_path / "nope")])
    assert res.exit_code == 1


def test_extract_writes_non_ascii_as_is(runner, tmp_path, fake_pipeline, monkeypatch):
    doc = Document(id="u1", source="u.txt", text="Özdağ sagte: «Ja».")
    st = Statement(doc="u.txt", doc_id="u1", kind="direct", quote="Ja", start=14, end=16,
                   speaker="Ümit Özdağ")
    from saidwhat import runners

    monkeypatch.setattr(runners, "extract_paths", lambda paths, settings: iter([DocResult(doc, [st])]))
    res = runner.invoke(app, ["extract", "u.txt"])
    assert '"speaker": "Ümit Özdağ"' in res.stdout


def test_demo_with_fake_pipeline(runner, tmp_path, fake_pipeline, monkeypatch):
    samples = tmp_path / "samples"
    samples.mkdir()
    _files(samples, 2)
    (samples / "README.md").write_text("not an article")
    monkeypatch.setattr(cli_run, "samples_dir", lambda: samples)
    db = str(tmp_path / "demo.db")
    res = runner.invoke(app, ["demo", "--db", db], env=WIDE)
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "documents seen 2" in out  # README skipped
    assert "statements  3" in out and "Maria Zakharova" in out
    assert "NOT SAID" in out and "some statements" in out
    res = runner.invoke(app, ["demo", "--db", db], env=WIDE)  # re-run is safe
    assert res.exit_code == 0 and "statements  3" in res.stdout


def test_demo_without_samples_exits_1(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(cli_run, "samples_dir", lambda: None)
    res = runner.invoke(app, ["demo", "--db", str(tmp_path / "d.db")])
    assert res.exit_code == 1 and "no sample articles" in res.stderr


def test_samples_dir_finds_repo_samples():
    found = cli_run.samples_dir()
    repo = Path(__file__).resolve().parents[2] / "data" / "samples"
    if any(p.is_file() for p in repo.glob("*.txt")):
        assert found is not None and found.resolve() == repo.resolve()
        assert all(not Path(p).name.startswith("README") for p in cli_run.sample_files(found))


def test_eval_with_fake_scorer(runner, tmp_path, monkeypatch):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc": "a.txt"}\n')
    seen = {}

    def evaluate(gold_path, docs_dir, settings):
        seen.update(gold=gold_path, docs=docs_dir)
        return {"f1": 0.5}

    from saidwhat.eval import statements as statements_eval

    monkeypatch.setattr(statements_eval, "evaluate", evaluate)
    monkeypatch.setattr(statements_eval, "format_report", lambda res: f"F1 {res['f1']:.2f}")
    res = runner.invoke(app, ["eval", str(gold), "--docs", str(tmp_path)])
    assert res.exit_code == 0 and res.stdout.strip() == "F1 0.50"
    assert seen == {"gold": str(gold), "docs": str(tmp_path)}
    res = runner.invoke(app, ["eval", str(gold), "--json"])
    assert json.loads(res.stdout) == {"f1": 0.5} and seen["docs"] is None
    res = runner.invoke(app, ["eval", str(tmp_path / "missing.jsonl")])
    assert res.exit_code == 2
    # the explicit subcommand, and options before the gold file
    res = runner.invoke(app, ["eval", "statements", str(gold), "--docs", str(tmp_path)])
    assert res.exit_code == 0 and res.stdout.strip() == "F1 0.50"
    res = runner.invoke(app, ["eval", "--json", str(gold)])
    assert res.exit_code == 0 and json.loads(res.stdout) == {"f1": 0.5}
    assert runner.invoke(app, ["eval"]).exit_code == 2


@pytest.mark.parametrize("sub", ["statements", "polnear"])
def test_eval_subcommand_help(runner, sub):
    res = runner.invoke(app, ["eval", sub, "--help"], env=WIDE)
    assert res.exit_code == 0 and "Usage" in res.output and "--json" in res.output
    assert "polnear" in runner.invoke(app, ["eval", "--help"], env=WIDE).output


def test_eval_polnear_with_fake_evaluator(runner, tmp_path, monkeypatch):
    from saidwhat.eval import polnear

    data = tmp_path / "dev.jsonl"
    data.write_text('{"doc_id": "d1", "text": "", "attributions": []}\n')
    seen = {}

    def evaluate_polnear(path, settings, max_docs=None, pred_out=None, heldout=False):
        seen.update(path=Path(path), max_docs=max_docs, pred_out=pred_out, heldout=heldout)
        seen["extractor"] = settings.extractor
        return {"f1": 0.25}

    monkeypatch.setattr(polnear, "evaluate_polnear", evaluate_polnear)
    monkeypatch.setattr(polnear, "format_polnear", lambda res: f"overlap F1 {res['f1']:.2f}")
    monkeypatch.delenv("SAIDWHAT_EXTRACTOR", raising=False)
    res = runner.invoke(app, ["eval", "polnear", str(data)])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == "overlap F1 0.25"
    assert seen == {"path": data, "max_docs": None, "pred_out": None, "heldout": False, "extractor": "fast"}
    assert runner.invoke(app, ["eval", "polnear", str(data), "--extractor", "Accurate"]).exit_code == 0
    assert seen["extractor"] == "accurate"
    out = tmp_path / "pred.jsonl"
    res = runner.invoke(app, ["eval", "polnear", str(data), "--docs", "3", "--json",
                              "--pred-out", str(out), "--heldout"])
    assert res.exit_code == 0 and json.loads(res.stdout) == {"f1": 0.25}
    assert seen["max_docs"] == 3 and Path(seen["pred_out"]) == out and seen["heldout"] is True
    for bad in (["eval", "polnear"], ["eval", "polnear", str(tmp_path / "missing.jsonl")],
                ["eval", "polnear", str(data), "--docs", "0"],
                ["eval", "polnear", str(data), "--extractor", "bert"],
                ["eval", "polnear", str(tmp_path)]):
        assert runner.invoke(app, bad).exit_code == 2, bad

    def boom(*a, **k):
        raise ValueError("no text")

    monkeypatch.setattr(polnear, "evaluate_polnear", boom)
    res = runner.invoke(app, ["eval", "polnear", str(data)])
    assert res.exit_code == 1 and "eval polnear failed" in res.stderr


# --- end to end with the real pipeline -----------------------------------------------------------

def _real_pipeline_available() -> bool:
    try:
        return importlib.util.find_spec("saidwhat.pipeline") is not None and \
            importlib.util.find_spec("spacy") is not None
    except ImportError:  # pragma: no cover
        return False


real_pipeline = pytest.mark.skipif(not _real_pipeline_available(),
                                   reason="saidwhat.pipeline / spaCy not available")

ARTICLE = (" date 2024-03-07\n\nMOSCOW. Russian Foreign Ministry spokeswoman Maria Zakharova said "
           "on Wednesday that \"the new sanctions will not change anything\".\n\n"
           "\"We will respond,\" she told reporters.\n")


@real_pipeline
def test_real_ingest_end_to_end(runner, tmp_path):
    art = tmp_path / "zakharova.txt"
    art.write_text(ARTICLE, encoding="utf-8")
    db = str(tmp_path / "e2e.db")
    res = runner.invoke(app, ["ingest", str(art), str(tmp_path / "missing.txt"), "--db", db])
    assert res.exit_code == 0, res.output
    with Store(db) as s:
        rows = s.statements(limit=None)
        assert rows, "the pipeline stored no statements"
        word = max(rows[0]["quote"].split(), key=len).strip('",.')
        assert all(r["doc"] == "zakharova.txt" for r in rows)
        assert s.errors("not_found")
        for r in rows:  # offsets point into the stored text
            full = s.statement(r["id"])
            assert full["text"][r["start"]:r["end"]] == r["quote"]
    res = runner.invoke(app, ["search", word, "--db", db, "-f", "jsonl"])
    assert rows[0]["id"] in {r["id"] for r in _jsonl(res.stdout)}
    # re-run: a duplicate, nothing doubles
    runner.invoke(app, ["ingest", str(art), "--db", db])
    with Store(db) as s:
        assert s.stats()["statements"] == len(rows)


@real_pipeline
def test_real_extract_end_to_end(runner, tmp_path):
    art = tmp_path / "zakharova.txt"
    art.write_text(ARTICLE, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(art)])
    assert res.exit_code == 0, res.output
    rows = _jsonl(res.stdout)
    assert rows and all(r["doc"] == "zakharova.txt" for r in rows)
    assert all(ARTICLE[r["start"]:r["end"]] == r["quote"] for r in rows)


@real_pipeline
@pytest.mark.slow
def test_real_eval_polnear_end_to_end(runner, tmp_path):
    """A PolNeAR-format document written here (no PolNeAR text), extracted and scored."""
    from saidwhat.eval.polnear import score_polnear

    def span(text, after=""):
        start = ARTICLE.index(text, ARTICLE.index(after) if after else 0)
        return {"start": start, "end": start + len(text), "text": text}

    doc = {"doc_id": "zakharova-1", "date": "2024-03-07", "text": ARTICLE, "attributions": [
        {"source": span("Russian Foreign Ministry spokeswoman Maria Zakharova"),
         "cue": span("said"), "content": span('that "the new sanctions will not change anything"')},
        {"source": span("she"), "cue": span("told"), "content": span('"We will respond,"')}]}
    data = tmp_path / "polnear.jsonl"
    data.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    res = runner.invoke(app, ["eval", "polnear", str(data), "--json", "--pred-out", str(out)])
    assert res.exit_code == 0, res.output
    scores = json.loads(res.stdout)
    assert scores["n_gold"] == 2 and scores["docs_run"] == 1 and scores["n_pred"] > 0
    preds = _jsonl(out.read_text(encoding="utf-8"))
    assert len(preds) == scores["n_pred"] and {p["doc_id"] for p in preds} == {"zakharova-1"}
    assert all(ARTICLE[p["content"]["start"]:p["content"]["end"]].strip() for p in preds)
    rescored = json.loads(json.dumps(score_polnear([doc], preds)))
    assert rescored == {k: v for k, v in scores.items()
                        if k not in ("file", "heldout", "docs_run", "extraction_errors", "extractor")}
    res = runner.invoke(app, ["eval", "polnear", str(data)])
    assert res.exit_code == 0 and "content overlap" in res.stdout
