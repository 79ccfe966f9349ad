"""Link speaker phrases to entity clusters: names directly, pronouns and roles to the last match."""

from __future__ import annotations

from textmill_entities.lookup import EntityIndex

from .lexicon import load_words

_PERSONAL = {"he", "she", "him", "her", "his", "hers"}
_PLURAL = {"they", "them", "we"}
_RELATIVE = {"who", "which", "that", "whom"}
_GROUP_LABELS = ("ORG", "GPE", "NORP")
_DETERMINERS = {"the", "this", "that", "these", "those"}

__all__ = ["EntityIndex", "resolve"]


def resolve(index: EntityIndex, text: str, start: int, end: int, *, head: str,
            antecedent: tuple[int, int] | None, roles: frozenset[str]) -> str | None:
    """Entity id for the speaker phrase text[start:end] (``head``: its lowercased head word).

    A mention inside the phrase wins; "who" takes its antecedent's entity; he/she the last
    PERSON; they/we the last group; "the minister" the last PERSON and "the company" the last
    ORG/GPE/NORP. Indefinite or plural nominals ("a source", "officials") stay unlinked.
    """
    direct = index.at(start, end)
    if direct is not None:
        return direct
    if head in _RELATIVE:
        return index.at(*antecedent) if antecedent is not None else None
    if head in _PERSONAL:
        return index.last_before(start, labels={"PERSON"})
    if head in _PLURAL:
        return index.last_before(start, labels=set(_GROUP_LABELS))
    words = text[start:end].lower().split()
    if words and words[0] in _DETERMINERS and len(words) <= 4:
        if head in roles:
            return index.last_before(start, labels=set(_GROUP_LABELS))
        if head in load_words("person_roles.txt"):  # "the minister", not "the engagement"
            return index.last_before(start, labels={"PERSON"})
        return None
    if words and words[0] not in ("a", "an", "some", "another") and text[start:start + 1].isupper():
        return index.by_name(text[start:end], near=start)
    return None
