"""Link speaker phrases to entity clusters: names directly, pronouns and roles to the last match."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

_PERSONAL = {"he", "she", "him", "her", "his", "hers"}
_PLURAL = {"they", "them", "we"}
_RELATIVE = {"who", "which", "that", "whom"}
_GROUP_LABELS = ("ORG", "GPE", "NORP")
_DETERMINERS = {"the", "this", "that", "these", "those"}


class EntityIndex:
    """Entity mentions of a record, sorted by position, for speaker linking."""

    def __init__(self, entities: Sequence[dict[str, Any]] | None) -> None:
        rows = []
        for ent in entities or ():
            for mention in ent.get("mentions", ()):
                rows.append((mention["start"], mention["end"], ent["id"], ent.get("label")))
        rows.sort()
        self.rows = rows
        self.starts = [r[0] for r in rows]

    def at(self, start: int, end: int) -> str | None:
        """The entity of the longest mention overlapping [start, end), or None."""
        best, best_len = None, 0
        i = bisect_left(self.starts, start)
        for row in self.rows[max(0, i - 3):]:
            if row[0] >= end:
                break
            overlap = min(end, row[1]) - max(start, row[0])
            if overlap > best_len:
                best, best_len = row[2], overlap
        return best

    def last_before(self, pos: int, labels: tuple[str, ...]) -> str | None:
        """The entity of the last mention ending before ``pos`` with one of ``labels``."""
        for row in reversed(self.rows[:bisect_left(self.starts, pos)]):
            if row[1] <= pos and row[3] in labels:
                return row[2]
        return None


def resolve(index: EntityIndex, text: str, start: int, end: int, *, head: str,
            antecedent: tuple[int, int] | None, roles: frozenset[str]) -> str | None:
    """Entity id for the speaker phrase text[start:end] (``head``: its lowercased head word)."""
    direct = index.at(start, end)
    if direct is not None:
        return direct
    words = text[start:end].lower().split()
    if head in _RELATIVE and antecedent is not None:
        return index.at(*antecedent)
    if head in _PERSONAL:
        return index.last_before(start, ("PERSON",))
    if head in _PLURAL:
        return index.last_before(start, _GROUP_LABELS)
    if words and words[0] in _DETERMINERS and len(words) <= 4:
        if head in roles:
            return index.last_before(start, _GROUP_LABELS)
        if not head.endswith("s") or head.endswith("ss"):  # "the minister", not "the officials"
            return index.last_before(start, ("PERSON",))
    return None
