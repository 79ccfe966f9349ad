"""Parse documents longer than one parse should hold, in paragraph-aligned segments.

spaCy needs about 1 GB of temporary memory per 100,000 characters in the parser and the
entity recognizer, and refuses texts over ``nlp.max_length``. A long text is cut after
line breaks (or, failing that, after sentence ends or spaces) into segments of at most
``segment_chars``, parsed as separate texts, and joined with ``Doc.from_docs``: each
segment ends in whitespace, so the joined text, and every offset, equals the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Texts longer than this are parsed in segments.
SEGMENT_CHARS = 100_000
_CUTS = (re.compile(r"\n"), re.compile(r"[.!?…][\"'”’)\]]*\s"), re.compile(r"\s"))


def segments(text: str, size: int = SEGMENT_CHARS) -> Iterator[str]:
    """Consecutive pieces of ``text`` of at most ``size`` chars, each ending in whitespace
    where possible; their concatenation is ``text``."""
    start = 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = 0
        for pattern in _CUTS:
            # The last match in the window's second half keeps segments reasonably full.
            last = None
            for last in pattern.finditer(window, size // 2):
                pass
            if last is not None:
                cut = last.end()
                break
        if cut == 0:
            cut = size  # one unbroken run of characters: nothing better exists
        yield text[start:start + cut]
        start += cut
    if start < len(text) or not text:
        yield text[start:]


def parse_long(nlp: Language, text: str, size: int = SEGMENT_CHARS) -> Doc:
    """Parse ``text`` segment by segment and join the results into one Doc."""
    from spacy.tokens import Doc

    parts = list(segments(text, size))
    if len(parts) == 1:
        return nlp(text)
    docs = list(nlp.pipe(parts, batch_size=2))
    return Doc.from_docs(docs, ensure_whitespace=False)
