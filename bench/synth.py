"""Bench texts shared by bench/scale.py and bench/fts_scale.py: synthetic articles of attributed
statements (seeded), the sample articles repeated to a size, and the machine's load."""
from __future__ import annotations

import os
import random
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"

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


def load() -> str:
    """The machine's 1-minute load average (the benches share 2 cores with whatever else runs)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:  # pragma: no cover
        return "?"
