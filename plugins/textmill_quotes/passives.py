"""Passive cues: who is the source ("endorsed by Y") and whether it is left unnamed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token


def agentless_passive(tok: Token) -> bool:
    """A passive cue with a subject and no "by" agent: its source is left unnamed."""
    children = list(tok.children)
    return any(c.dep_ == "nsubjpass" for c in children) and not any(
        c.dep_ == "agent" for c in children)


def passive_agent(tok: Token) -> Token | None:
    """The "by" object of a passive cue with a subject ("X was endorsed by Y": Y), or None."""
    if not any(c.dep_ == "nsubjpass" for c in tok.children):
        return None
    for child in tok.children:
        if child.dep_ == "agent":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None
