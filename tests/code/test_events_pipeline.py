"""Event coding inside the pipeline, on the real sample articles, and the CLI filters/export."""
import json
import re

import pytest
from typer.testing import CliRunner

from saidwhat.cli import app
from saidwhat.config import Settings
from saidwhat.runners import extract_paths, ingest
from saidwhat.store import Store


def _toks(s):
    return re.findall(r"\w+", s.lower())


def _match(gold, preds):
    g = set(_toks(gold["quote"]))
    best = max(preds, key=lambda p: len(g & set(_toks(p.quote))) / max(1, len(g | set(_toks(p.quote)))))
    return best if len(g & set(_toks(best.quote))) >= 0.5 * len(g) else None


@pytest.fixture(scope="module")
def seed_statements(shared, nlp):
    paths = sorted(str(p) for p in (shared / "corpus" / "seeds").glob("*.txt"))
    out = {}
    for r in extract_paths(paths, Settings()):
        out[r.document.name] = r.statements
    gold = [json.loads(line) for line in open(shared / "gold" / "seeds.statements.jsonl", encoding="utf-8")]
    return gold, out


def test_russian_requests_to_azerbaijan_are_request(seed_statements):
    gold, preds = seed_statements
    asks = [g for g in gold if not g["negated"] and "AZE" in g["targets"] and g["country"] == "RUS"
            and g["cue"] in ("call", "urge") and re.search(r"\bto\b", g["quote"])]
    assert len(asks) >= 4
    for g in asks:
        p = _match(g, preds[g["doc"]])
        assert p is not None, g["quote"]
        assert p.event_type == "REQUEST" and "AZE" in p.targets, (g["quote"], p.event_type, p.targets)


def test_concern_is_not_request_and_negated_has_no_event(seed_statements):
    gold, preds = seed_statements
    for g in gold:
        p = _match(g, preds[g["doc"]])
        if p is None:
            continue
        if g["negated"]:
            assert p.negated and p.event_type is None and p.event_reason == "negated"
        elif "concern" in g["quote"].lower() and g["cue"] in ("express", "say", "tell"):
            assert p.event_type != "REQUEST", g["quote"]


def test_cli_event_filters_and_event_export(tmp_path, nlp, shared):
    db = str(tmp_path / "e.db")
    ingest([str(shared / "corpus" / "seeds")], Store(db), Settings(db=db))
    runner = CliRunner()
    res = runner.invoke(app, ["statements", "--db", db, "--event", "REQUEST", "--source", "RUS",
                              "--target", "AZE", "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines() if line.strip()]
    assert rows and all(r["event_type"] == "REQUEST" and r["country"] == "RUS" and "AZE" in r["targets"]
                        for r in rows)
    out = tmp_path / "events.csv"
    res = runner.invoke(app, ["export", "--db", db, "--events", "--format", "csv", "-o", str(out)])
    assert res.exit_code == 0, res.output
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:8] == ["date", "source_actor", "source_name", "source_country", "source_sector",
                          "event_type", "mode", "cameo"]
    body = out.read_text(encoding="utf-8")
    assert "Azerbaijan to end the blockade" not in body  # the statement not made has no event


def test_the_coders_copy_of_a_span_is_spacys_as_doc_less_the_entities(nlp):
    """pipeline.sub_doc (one parse array an article) gives the event coder the words, tags, lemmas,
    morphology, sentence starts and dependencies Span.as_doc does, heads outside the span rewired the
    same way, so the coder's features are the same; it leaves the entities out."""
    from saidwhat.code.features import featurize
    from saidwhat.pipeline import parse_array, sub_doc
    doc = nlp("Russia's foreign ministry said on Thursday that Baku must lift the blockade. "
              "\"We call on Azerbaijan to open the Lachin Corridor,\" Maria Zakharova told reporters in Moscow.")
    attrs, array = parse_array(doc)

    def seen(d):
        return [(t.text, t.whitespace_, t.tag_, t.pos_, t.lemma_, str(t.morph), t.dep_, t.head.i, t.is_sent_start)
                for t in d]
    spans = [(0, len(doc)), (3, 9), (5, 14), (len(doc) - 6, len(doc)), (4, 4)]
    for i, j in spans:
        ours, theirs = sub_doc(doc, i, j, attrs, array), doc[i:j].as_doc()
        assert seen(ours) == seen(theirs), (i, j)
        assert featurize(ours) == featurize(theirs), (i, j)
        assert not ours.ents
    assert doc[5].head.i < 5 or doc[5].head.i >= 14 or any(t.head.i >= 14 or t.head.i < 5 for t in doc[5:14])  # a cut head


def test_the_rules_path_codes_events_without_the_sentence_encoder(shared, monkeypatch):
    import saidwhat.code.coder as coder

    def refuse(texts):
        raise AssertionError("the rules extractor's path must not run the sentence encoder")

    monkeypatch.setattr(coder, "text_vectors", refuse)
    paths = sorted(str(p) for p in (shared / "corpus" / "seeds").glob("*.txt"))[:2]
    results = list(extract_paths(paths, Settings().with_(extractor="rules")))
    errors = [r for r in results if not hasattr(r, "statements")]   # a document that failed (IngestError)
    assert not errors, errors
    stmts = [s for r in results for s in r.statements]
    assert stmts and any(s.event_type for s in stmts)
