"""Put the pieces together: tokens -> scanned numbers -> filtered, contract-shaped records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .context import Context, counted, keep, plain
from .lexicon import load_lexicon
from .scanner import Scanner
from .tokens import tokenize

if TYPE_CHECKING:
    from spacy.tokens import Doc


class Extractor:
    """Finds the numbers of a text; the spaCy doc (optional) sharpens filters and `counted`."""

    def __init__(self, *, kinds: frozenset[str] | None = None, counted: bool = True) -> None:
        self.lex = load_lexicon()
        self.scanner = Scanner(self.lex)
        self.kinds = kinds
        self.find_counted = counted

    def extract(self, text: str, doc: Doc | None = None) -> list[dict[str, Any]]:
        """Contract records (`numbers[]`) for ``text``; ``doc`` must be a parse of ``text``."""
        toks = tokenize(text)
        ctx = Context(doc)
        out: list[dict[str, Any]] = []
        for found in self.scanner.scan(toks):
            if self.kinds is not None and found.kind not in self.kinds:
                continue
            if not keep(found, toks, self.lex, ctx):
                continue
            start, end = toks[found.tok_start].start, toks[found.tok_end - 1].end
            qual = found.qualifier
            out.append({
                "id": f"n{len(out) + 1}", "start": start, "end": end, "text": text[start:end],
                "value": plain(found.value), "kind": found.kind, "unit": found.unit,
                "approximate": bool(qual and qual.approximate),
                "qualifier": qual.phrase if qual else None,
                "counted": counted(found, toks, ctx) if self.find_counted else None,
            })
        return out
