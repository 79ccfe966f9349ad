"""Corpus-wide entity keys: the same string for the same thing in every document.

A key is computed from one document alone (its cluster's name and label, and for a few
ambiguous place names the document's text), so workers that process documents independently
and incrementally agree without a corpus pass::

    person:volodymyr-zelensky   "Volodymyr Zelensky", or "President Volodymyr Zelensky" + "Zelensky"
    person:zelensky             a document that only ever says "Zelensky"
    place:united-states         "United States", "U.S.", "US" (aliases.tsv)
    place:georgia-us            "Georgia" in a document that names Atlanta, its governor, ...
    place:georgia-country       "Georgia" in a document that names Tbilisi, the Caucasus, ...
    norp:american               "American", "Americans"

See README.md in this package for the rule and its limits.
"""

from __future__ import annotations

import re
import unicodedata

from .names import Tables

#: Key prefix per label. GPE and LOC share one: the model calls the same place either.
KIND = {"PERSON": "person", "GPE": "place", "LOC": "place", "NORP": "norp", "ORG": "org",
        "FAC": "fac", "EVENT": "event", "LAW": "law", "WORK_OF_ART": "work",
        "PRODUCT": "product", "LANGUAGE": "language"}

_DROP = re.compile(r"['’‘.]")  # "O'Brien" -> "obrien", "St." -> "st"
_SEP = re.compile(r"[\W_]+")
#: Latin letters that have no decomposition into an ASCII letter and a mark.
_LETTERS = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "æ": "ae",
            "Æ": "AE", "œ": "oe", "Œ": "OE", "ð": "d", "þ": "th"}


def slug(name: str) -> str:
    """Lowercase words joined by hyphens, accents off Latin letters ('Erdoğan' -> 'erdogan').

    Other scripts keep their letters: 'Зеленський' -> 'зеленський'.
    """
    folded = "".join(_fold(c) for c in unicodedata.normalize("NFC", name))
    return _SEP.sub("-", _DROP.sub("", folded.casefold())).strip("-") or "-"


def _fold(char: str) -> str:
    """The ASCII letter under an accented one ('ğ' -> 'g'), else the character itself."""
    if char.isascii():
        return char
    if char in _LETTERS:
        return _LETTERS[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if base.isascii() else char


def _singular(name: str) -> str:
    """The group's member: 'Republicans' -> 'Republican', 'Tories' -> 'Tory' ('Swiss' stays)."""
    head, space, last = name.rpartition(" ")
    if len(last) > 4 and last.endswith("ies"):
        last = last[:-3] + "y"
    elif len(last) > 3 and last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return head + space + last


class Keys:
    """Keys of one document's clusters; place senses are decided once per document."""

    def __init__(self, text: str, t: Tables) -> None:
        self.text = text
        self.t = t
        self._senses: dict[str, str | None] = {}

    def key(self, name: str, label: str) -> str:
        """The key of a cluster with this ``name`` (the row's name) and ``label``."""
        kind = KIND.get(label, label.lower())
        canonical = self.t.aliases.get(name, name)
        if kind == "norp" and canonical not in self.t.demonyms:
            canonical = _singular(canonical)  # "Americans" -> "American"
        out = f"{kind}:{slug(canonical)}"
        if kind == "place" and canonical in self.t.senses:
            sense = self.sense(canonical)
            if sense is not None:
                out += f"-{sense}"
        return out

    def sense(self, name: str) -> str | None:
        """The sense of an ambiguous place name in this document, or None when undecided.

        Counts the cue words of each sense (place_senses.tsv) in the whole text; the sense
        with strictly the most occurrences wins (one sense per document).
        """
        if name not in self._senses:
            senses = self.t.senses[name]
            hits = dict.fromkeys(senses.suffixes, 0)
            for match in senses.pattern.finditer(self.text):
                hits[senses.sense_of[match.group()]] += 1
            best = max(hits.values())
            winners = [suffix for suffix, n in hits.items() if n == best]
            self._senses[name] = winners[0] if best and len(winners) == 1 else None
        return self._senses[name]
