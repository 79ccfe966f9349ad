"""Candidate mentions from a parsed Doc's ``doc.ents``: trimmed, relabelled, junk removed."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .names import (
    NUMERIC_LABELS,
    SMALL_WORDS,
    Tables,
    is_acronym,
    is_title_phrase,
    norm_key,
    trim_span,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Lines longer than this (in characters) are paragraphs, never headlines.
MAX_HEADLINE = 200
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_TERMINAL = tuple('.!?"”’)…')
#: Labels the small model gives to place names it does not know well.
_MISTAKEN_PLACE = frozenset({"PERSON", "ORG", "PRODUCT"})
_SENTENCE_END = frozenset({".", "!", "?", ":", ";", '"', "“", "”"})


@dataclass(slots=True)
class Mention:
    """One candidate mention: ``text == doc_text[start:end]`` is the name part only.

    ``weak`` mentions (labels not configured, lone stopwords) may join a cluster but never
    found one; ``headline`` mentions sit in a title-case headline line, where the model tags
    fragments, so they only count when the body confirms them.
    """

    start: int
    end: int
    text: str
    key: str
    label: str
    weak: bool = False
    headline: bool = False
    #: The model's span before trimming; its text is not searched again for names.
    ent_start: int = -1
    ent_end: int = -1


@dataclass(slots=True)
class Candidates:
    """What ``doc_mentions`` found in one document."""

    text: str
    mentions: list[Mention]
    #: Spans of numeric entities (dates, amounts), which never hold a name.
    numeric: list[tuple[int, int]]
    lines: Lines


class Lines:
    """Line lookup for character offsets, with a cached headline verdict per line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.verdict: dict[int, bool] = {}
        lines = [ln for ln in text.split("\n") if ln.strip()]
        # A one-line text has no headline: its line is the body.
        self.enabled = len(lines) > 1

    def headline(self, offset: int) -> bool:
        if not self.enabled:
            return False
        i = bisect_right(self.starts, offset) - 1
        if i not in self.verdict:
            end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.text)
            self.verdict[i] = is_headline(self.text[self.starts[i]:end])
        return self.verdict[i]


def is_headline(line: str) -> bool:
    """A title-case line (most content words capitalised) with no sentence-final mark."""
    line = line.strip()
    if len(line) > MAX_HEADLINE:
        return False
    words = _WORD.findall(line)
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper()) / len(content)
    if line.endswith(_TERMINAL):
        # Some sites end headlines with a full stop; require a longer, all but fully
        # capitalised line before calling a punctuated line a headline.
        return len(content) >= 4 and capitalised >= 0.85
    return capitalised >= 0.7


def ent_spans(doc: Doc) -> list[tuple[int, int, int, int, str]]:
    """``(start_token, end_token, start_char, end_char, label)`` of each entity.

    Reads the IOB arrays at once: ``doc.ents`` builds a Token object for every token of the
    document, which costs more than all the rest of this step.
    """
    import numpy as np

    if not len(doc):
        return []
    arr = doc.to_array(["ENT_IOB", "ENT_TYPE", "IDX", "LENGTH"])
    iob = arr[:, 0]
    starts = np.flatnonzero(iob == 3)  # B
    if not len(starts):
        return []
    breaks = np.append(np.flatnonzero(iob != 1), len(doc))  # anything but I ends an entity
    ends = breaks[np.searchsorted(breaks, starts, side="right")]
    first_chars = arr[starts, 2].tolist()
    last = ends - 1
    end_chars = (arr[last, 2] + arr[last, 3]).tolist()
    strings = doc.vocab.strings
    labels = [strings[h] for h in arr[starts, 1].tolist()]
    return list(zip(starts.tolist(), ends.tolist(), first_chars, end_chars, labels, strict=True))


def _extend_left(doc: Doc, first: int, t: Tables) -> int:
    """Start of a PERSON span grown over given names the model left out ("Rustem Umerov")."""
    i = first
    for _ in range(2):
        if i < 2:
            break
        tok, prev = doc[i - 1], doc[i - 2]
        word = tok.text
        if (tok.ent_type_ or tok.whitespace_ != " " or not word.isalpha()
                or not word[0].isupper() or not word[1:].islower() or tok.is_stop
                or word in t.titles or word in t.modifiers or word in t.demonyms):
            break
        if prev.text in _SENTENCE_END or "\n" in prev.whitespace_:
            break  # sentence-initial capitals say nothing
        i -= 1
    return doc[i].idx


def doc_mentions(doc: Doc, *, labels: Collection[str], stop_words: Collection[str],
                 t: Tables, text: str | None = None) -> Candidates:
    """Candidate mentions of ``doc``, in text order.

    Args:
        doc: a Doc parsed with at least the ``ner`` component.
        labels: labels that may found a cluster; other non-numeric labels give weak mentions.
        stop_words: lowercase stop words; a lone one is a weak mention ("It", "May").
        t: the plugin's tables.
        text: ``doc.text`` when the caller has it (``doc.text`` joins every token again).
    """
    if text is None:
        text = doc.text
    lines = Lines(text)
    out: list[Mention] = []
    numeric: list[tuple[int, int]] = []
    for first, _, ent_start, ent_end, label in ent_spans(doc):
        if label in NUMERIC_LABELS:
            numeric.append((ent_start, ent_end))
            continue
        person = label == "PERSON"
        start = _extend_left(doc, first, t) if person else ent_start
        colon = text.find(": ", start, ent_end)
        if colon > start:
            ent_end = colon  # "WALLACE: Let" (a transcript's speaker): names stop at a colon
        start, end = trim_span(text, start, ent_end, person=person, t=t)
        if start >= end:
            continue
        surface = text[start:end]
        if "\n" in surface or not any(c.isalnum() for c in surface):
            continue
        if any(c.isalpha() for c in surface) and not any(c.isupper() for c in surface):
            continue  # all lowercase
        key = norm_key(surface)
        if is_title_phrase(key, t):
            continue  # "Defense" of "Defense Minister", a lone "President"
        out.append(Mention(start, end, surface, key, label, False, lines.headline(start),
                           ent_start, ent_end))
    _relabel(out, t)
    _drop_leading_words(out, text, stop_words)
    for m in out:
        m.weak = m.label not in labels or (
            " " not in m.key and not is_acronym(m.key) and m.key.lower() in stop_words)
    return Candidates(text, out, numeric, lines)


def _sentence_initial(text: str, at: int) -> bool:
    """Whether ``text[at:]`` starts a sentence or line (capitals there say nothing)."""
    before = text[max(0, at - 3):at].rstrip(" \t")
    return not before or before.endswith(("\n", *_SENTENCE_END))


def _drop_leading_words(mentions: list[Mention], text: str, stop_words: Collection[str]) -> None:
    """Cut a word the model glued to a person's name ("Rival Hillary Clinton").

    The first word goes when the rest is a person named elsewhere in the document and
    either the rest is a full name ("Crooked Hillary Clinton") or the word opens a sentence
    and is a stop word or an -ing form ("Injecting Clinton’s troubles").
    """
    persons = {m.key for m in mentions if m.label == "PERSON"}
    for m in mentions:
        if m.label != "PERSON" or " " not in m.key:
            continue
        word, rest = m.key.split(" ", 1)
        if rest not in persons:
            continue
        if " " in rest or (_sentence_initial(text, m.start) and (
                word.lower() in stop_words or word.endswith("ing"))):
            cut = m.text.index(word) + len(word)
            while m.text[cut].isspace():
                cut += 1
            m.start += cut
            m.text, m.key = m.text[cut:], rest


def _relabel(mentions: list[Mention], t: Tables) -> None:
    """Fix labels the model often gets wrong, from the tables.

    A listed demonym is NORP ("Ukrainian" tagged GPE); a known place tagged PERSON, ORG or
    PRODUCT ("Kyiv", "Kursk") is a GPE — unless it is part of a full person name in the
    document ("Paris" beside "Paris Hilton").
    """
    name_words = {w for m in mentions if m.label == "PERSON" and " " in m.key
                  for w in m.key.split(" ")}
    for m in mentions:
        if m.key in t.demonyms:
            m.label = "NORP"
        elif m.label in _MISTAKEN_PLACE and m.key in t.places and m.key not in name_words:
            m.label = "GPE"
