"""Build the spaCy pipeline: the configured model plus saidwhat's registered components."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from saidwhat.nlp import components  # noqa: F401  (registers the factories)

SAIDWHAT_PIPES = ("saidwhat_quotes", "saidwhat_gazetteer", "saidwhat_attribution")


def add_components(nlp: Language, scope: str = "statements", extractor: str = "accurate",
                   min_confidence: float = 0.0) -> Language:
    """Add saidwhat's components to any English pipeline with a parser and NER."""
    if "saidwhat_quotes" not in nlp.pipe_names:
        nlp.add_pipe("saidwhat_quotes", before="parser" if "parser" in nlp.pipe_names else None)
    if "saidwhat_gazetteer" not in nlp.pipe_names:
        nlp.add_pipe("saidwhat_gazetteer", after="ner" if "ner" in nlp.pipe_names else None)
    if "saidwhat_attribution" not in nlp.pipe_names:
        nlp.add_pipe("saidwhat_attribution", last=True, config={"scope": scope, "extractor": extractor,
                                                                      "min_confidence": min_confidence})
    return nlp


@lru_cache(maxsize=4)
def load(model: str, scope: str = "statements", extractor: str = "accurate",
         min_confidence: float = 0.0) -> Language:
    """The model with saidwhat's components, loaded once per process (and so once per worker)."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {model!r} is not installed. Install it (make install does) or set "
            f"SAIDWHAT_MODEL to an installed English model.") from exc
    nlp.max_length = max(nlp.max_length, 2_000_000)
    return add_components(nlp, scope, extractor, min_confidence)
