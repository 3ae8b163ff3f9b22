"""Cross-document linking: near-duplicate documents and clusters of statements that report the same
utterance (issue 6, "same words, many reports"). Pure library on plain dicts; the store runs it
through the hooks ``store_linking()`` returns (``Store(db, linking=store_linking())``)."""
from saidwhat.link.cluster import Linker, cluster_summary, speaker_key, speaker_keys
from saidwhat.link.dedup import near_duplicates
from saidwhat.link.store_hooks import StoreLinking, store_linking

__all__ = ["Linker", "cluster_summary", "speaker_key", "speaker_keys", "near_duplicates",
           "StoreLinking", "store_linking"]
