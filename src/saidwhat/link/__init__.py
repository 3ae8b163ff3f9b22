"""Cross-document linking: near-duplicate documents and clusters of statements that report the same
utterance (issue 6, "same words, many reports"). Pure library on plain dicts; the store/CLI join in."""
from .cluster import Linker, cluster_summary, speaker_key, speaker_keys
from .dedup import near_duplicates
from .evaluate import load_gold, pairwise_scores

__all__ = ["Linker", "cluster_summary", "speaker_key", "speaker_keys", "near_duplicates", "load_gold", "pairwise_scores"]
