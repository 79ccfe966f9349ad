"""Sentence boundaries at line breaks, so headlines never fuse with the next sentence."""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

COMPONENT = "textmill_line_breaks"
_BREAK = re.compile(r"[ \t\r\f\v\u00a0]*\n\s*")
_TERMINAL = tuple('.!?:;"”’)]…')
_SMALL = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the",
          "to", "vs", "with", "from", "into", "over"}


def ends_line(line: str) -> bool:
    """True when a line should end its sentence: terminal punctuation, a title, or very short."""
    line = line.strip()
    if not line or line.endswith(_TERMINAL):
        return True
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line)]
    if len(words) <= 4:
        return True
    content = [w for w in words if w.lower() not in _SMALL]
    capitalised = sum(1 for w in content if w[0].isupper())
    return bool(content) and capitalised / len(content) >= 0.6


def mark_line_breaks(doc: Doc) -> Doc:
    """Set ``is_sent_start`` after blank lines and after lines that end a sentence."""
    text = doc.text
    if "\n" not in text or len(doc) < 2:
        return doc
    starts = doc.to_array("IDX").tolist()
    for match in _BREAK.finditer(text):
        end = match.end()
        if end >= len(text):
            break
        line_start = text.rfind("\n", 0, match.start()) + 1
        if match.group().count("\n") < 2 and not ends_line(text[line_start:match.start()]):
            continue  # a hard-wrapped line inside a paragraph
        j = bisect_left(starts, end)
        if 0 < j < len(doc):
            doc[j].is_sent_start = True
    return doc


def add_line_breaks(nlp: Language) -> None:
    """Add the line-break component first in ``nlp`` (idempotent)."""
    from spacy.language import Language

    if COMPONENT not in Language.factories:
        Language.component(COMPONENT)(mark_line_breaks)
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, first=True)
