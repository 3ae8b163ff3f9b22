"""What the checks of the hand-made gold files share (tests/eval/test_targets.py, test_targets_train.py)."""
from __future__ import annotations

import re


def strings(obj, key=None):
    """Every string of a JSON row, with the key it stands under (list items under their list's key)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from strings(v, k)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v, key)
    elif isinstance(obj, str):
        yield key, obj


def check_against_article(row: dict, doc: dict) -> None:
    """A gold row fits its PolNeAR article: the attribution's content offsets are PolNeAR's, every
    target mention lies inside the text, and the annotator's note quotes no six words of it."""
    att = next(a for a in doc["attributions"] if a["id"] == row["attribution"])
    assert (att["content"]["start"], att["content"]["end"]) == (row["content"]["start"], row["content"]["end"])
    for t in row["targets"]:
        if t["mention"] is not None:
            s, e = t["mention"]
            assert 0 <= s < e <= len(doc["text"])
    words = re.findall(r"\w+", row.get("note", "").lower())
    text = " ".join(re.findall(r"\w+", doc["text"].lower()))
    for i in range(len(words) - 5):
        assert " ".join(words[i:i + 6]) not in text, f"{row['doc_id']} {row['attribution']}: note quotes the article"
