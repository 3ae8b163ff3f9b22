"""Cross-document linking: near-duplicate documents and clusters of statements that report the same
utterance (issue 6, "same words, many reports"). Pure library on plain dicts; the store/CLI join in."""
from saidwhat.link.cluster import Linker, cluster_summary, speaker_key, speaker_keys
from saidwhat.link.dedup import near_duplicates

__all__ = ["Linker", "cluster_summary", "speaker_key", "speaker_keys", "near_duplicates"]
