"""What the linking tests share (test_link_store.py, test_link_cli.py): the corpus built from the demo
articles, the reports written for the project (tests/data/links) and the rule-based extractor's
Russian and French reports, run through the real pipeline."""
from __future__ import annotations

from pathlib import Path

from saidwhat.config import Settings
from saidwhat.models import DocResult, Document

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
LINKS = ROOT / "tests" / "data" / "links"
GOLD = LINKS / "gold.jsonl"
EN = [SAMPLES / "01_moscow_transit_routes.txt", SAMPLES / "04_state_department_briefing.txt",
      LINKS / "courier_partial.jsonl", LINKS / "monitor_indirect.jsonl", LINKS / "bulletin_aid.jsonl"]
FOREIGN = [LINKS / "vestnik_ru.jsonl", LINKS / "gazette_fr.jsonl"]  # the rule-based extractor's
MARSH = dict(speaker="Daniel Marsh", actor_id="person:daniel-marsh", actor_type="person", country="USA",
             sector="MFA", date="2024-02-08", date_basis="weekday")


def docs_of(paths, languages=("en",)) -> list[Document]:
    from saidwhat.sources import iter_sources

    return [d for d in iter_sources([str(p) for p in paths], Settings().with_(languages=languages))
            if isinstance(d, Document)]


def run_corpus() -> list[DocResult]:
    """The English, Russian and French reports through the real pipeline (spaCy for English, the
    rule-based extractor of saidwhat.foreign for the others)."""
    from saidwhat.pipeline import process

    docs = docs_of(EN + FOREIGN, languages=("en", "ru", "fr"))
    assert sorted(d.language for d in docs) == ["en"] * 5 + ["fr", "ru"]
    results = list(process(docs))
    assert all(r.error is None for r in results)
    return results
