"""Event coding: PLOVER event type and mode, closest CAMEO code, per statement or sentence.

>>> from saidwhat.code import code_statement
>>> code_statement("called on the government to release the detained journalists", cue="call").event_type
'REQUEST'
"""
from __future__ import annotations

from saidwhat.code.coder import Event, code_many, code_statement
from saidwhat.code.lexicon import QUAD, TYPES, cameo_for

__all__ = ["Event", "QUAD", "TYPES", "cameo_for", "code_many", "code_statement"]
