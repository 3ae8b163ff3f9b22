"""The PETRARCH2 CAMEO verb dictionary as coder evidence (code/cameo_verbs.py, data/plover/cameo_verbs.tsv)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from saidwhat.code import cameo_verbs as cv
from saidwhat.code.features import nlp, parse

ROOT = Path(__file__).resolve().parents[2]


def _hit(text: str, word: str):
    doc = nlp()(text)
    lemmas, toks = [t.lemma_.lower() for t in doc], [t.lower_ for t in doc]
    i = next(t.i for t in doc if t.text == word)
    return cv.hit(lemmas, toks, i)


def test_block_types_of_verbs():
    assert _hit("Rebels shelled the town overnight.", "shelled").type == "ASSAULT"
    assert _hit("The ministry denounced the decision.", "denounced").type == "ACCUSE"
    assert _hit("The envoy praised the agreement.", "praised").type.startswith(("SUPPORT", "_0"))
    assert _hit("The cat sat on the mat.", "sat") is None


def test_multiword_verb_and_most_specific_pattern():
    h = _hit("Both countries agreed to wage war on smugglers.", "wage")
    assert h is not None and h.verb == "wage war" and h.type == "ASSAULT"
    # "urge ... sign &CEASEFIRE": the most specific pattern gives the code
    h = _hit("The council urged the rebels to sign the ceasefire.", "urged")
    assert (h.code, h.pattern_code) == ("020", "0256")   # appeal -> appeal for a ceasefire


def test_pattern_words_match_word_starts_and_whole_words():
    assert cv._word_ok("withd", "withdrawal") and not cv._word_ok("withd", "with")
    assert cv._word_ok("to_", "to") and not cv._word_ok("to_", "today")
    assert cv._seq((cv._slot("aid"), cv._slot("to")), ["more", "aid", "flows", "to", "x"], 0, 5)
    assert not cv._seq((cv._slot("to"), cv._slot("aid")), ["more", "aid", "flows", "to", "x"], 0, 5)


def test_features_carry_the_dictionary_types():
    f = parse("Government troops attacked the rebel stronghold.").feats
    assert f.get("pv:ASSAULT", 0) > 0
    assert "pvo:ASSAULT" not in f   # the trigger's own verb is not context


def test_import_is_deterministic_and_matches_the_shipped_file(shared, tmp_path):
    src = shared / "petrarch2" / "CAMEO.verbpatterns.150430.txt"
    out = tmp_path / "cameo_verbs.tsv"
    subprocess.run([sys.executable, str(ROOT / "tools" / "import_cameo_verbs.py"), str(src), str(out)], check=True,
                   capture_output=True)
    shipped = ROOT / "src" / "saidwhat" / "data" / "plover" / "cameo_verbs.tsv"
    assert out.read_bytes() == shipped.read_bytes()
