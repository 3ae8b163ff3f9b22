"""Actor dictionary: persons, organizations, countries, loaded from editable TSV files shipped with the
package and extended by user folders; ``ActorIndex.resolve`` maps mentions to actors."""
from __future__ import annotations

from functools import lru_cache

from saidwhat.actors.dictionary import load_actors, user_dirs, write_dir
from saidwhat.actors.index import ActorIndex
from saidwhat.actors.model import Actor, Role

__all__ = ["Actor", "ActorIndex", "Role", "actor_index", "load_actors", "user_dirs", "write_dir"]


@lru_cache(maxsize=1)
def actor_index() -> ActorIndex:
    """The process-wide index (shipped + user files), built once."""
    return ActorIndex.load()
