"""Decide which scanned numbers count (not years, dates, times, names) and what they count."""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from .lexicon import Lexicon
from .scanner import Found
from .tokens import Tok

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: Entity labels whose numbers are part of a name ("Boeing 737", "Section 427", "G7").
_NAME_LABELS = {"ORG", "PRODUCT", "LAW", "FAC", "WORK_OF_ART", "EVENT", "PERSON", "GPE", "LOC",
                "NORP"}
_TIME_WORDS = {"am", "pm", "gmt", "bst", "utc", "est", "edt", "pst", "pdt", "cet", "hrs",
               "o'clock", "o’clock"}
_PRONOUN_ONE = {"the", "this", "that", "which", "each", "any", "every", "no", "another", "some",
                "only", "little", "last", "next", "right", "wrong", "new", "old", "other",
                "big", "small", "young", "loved", "chosen", "latest", "first"}
# Prefixes written with a hyphen before digits that do not make a code ("mid-30s", "pre-1990").
_PREFIXES = {"mid", "pre", "post", "over", "under", "sub", "non", "anti", "ultra", "super",
             "multi", "ex", "late", "early", "top", "near", "all", "record"}
_SENTENCE_END = {".", "!", "?", "\"", "“", "”", ":", "\n"}
# Tags, not POS: the attribute ruler that maps POS is not run when no step needs it.
_NOUN_TAGS = {"NN", "NNS", "NNP", "NNPS"}
_COUNTED_KINDS = {"cardinal", "range", "ordinal", "fraction", "percent"}


class Context:
    """The parse of one document, as the filters need it (works on unparsed docs too)."""

    def __init__(self, doc: Doc | None) -> None:
        self.doc = doc
        self.tagged = doc is not None and doc.has_annotation("TAG")
        self.parsed = doc is not None and doc.has_annotation("DEP")
        self.starts = [t.idx for t in doc] if doc is not None else []
        self.ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents] \
            if doc is not None and doc.has_annotation("ENT_IOB") else []

    def token_at(self, char: int) -> Token | None:
        """The spaCy token that contains character ``char``."""
        if self.doc is None or not self.starts:
            return None
        i = bisect_right(self.starts, char) - 1
        return self.doc[i] if i >= 0 else None

    def entity_label(self, start: int, end: int) -> str | None:
        for s, e, label in self.ents:
            if s < end and start < e:
                return label
        return None


def _is_year(found: Found, tok: Tok) -> bool:
    v = found.value
    return (isinstance(v, float) and tok.kind == "num" and len(tok.text) == 4
            and tok.text.isdigit() and 1000 <= v <= 2100)


def _plural_noun_after(ctx: Context, toks: list[Tok], k: int) -> bool:
    if k >= len(toks) or toks[k].kind != "word":
        return False
    if ctx.tagged:
        tok = ctx.token_at(toks[k].start)
        return tok is not None and tok.tag_ == "NNS"
    w = toks[k].text
    return w.islower() and w.endswith("s") and not w.endswith("ss")


def _in_code(toks: list[Tok], s: int, lex: Lexicon) -> bool:
    """Whether the digits at ``s`` are glued into a code: "scp173", "scp-173" (not "mid-30")."""
    prev = toks[s - 1]
    if prev.kind == "word":
        return prev.lower not in lex.words
    return prev.text == "-" and prev.glued and s >= 2 and toks[s - 2].kind == "word" \
        and toks[s - 2].lower not in lex.words and toks[s - 2].lower not in _PREFIXES


def keep(found: Found, toks: list[Tok], lex: Lexicon, ctx: Context) -> bool:
    """Whether ``found`` is a number the contract counts."""
    s, e, n = found.tok_start, found.tok_end, len(toks)
    first, prev = toks[s], toks[s - 1] if s > 0 else None
    nxt = toks[e] if e < n else None
    months = lex.months
    near_month = (prev is not None and (prev.text in months or (
        prev.text == "." and s > 1 and toks[s - 2].text in months))) or (
        nxt is not None and (nxt.text in months or (
            nxt.lower == "of" and e + 1 < n and toks[e + 1].text in months)))
    if found.kind == "ordinal":
        if prev is not None and prev.lower == "per":
            return False  # "two kilobytes per second": the time unit
        if found.digits:
            label = ctx.entity_label(toks[s].start, toks[e - 1].end)
            return not near_month and label not in ("DATE", "TIME")
        # "First Lady", "Second World War": an ordinal inside a title-case name
        return not (first.text[:1].isupper() and prev is not None and prev.text not in
                    _SENTENCE_END and nxt is not None and nxt.text[:1].isupper())
    if first.lower == "one" and e == s + 1 and found.kind == "cardinal":
        if prev is not None and prev.lower in _PRONOUN_ONE:
            return False
        if nxt is not None and nxt.lower in ("another", "'s", "’s"):
            return False
        tok = ctx.token_at(first.start) if ctx.tagged else None
        if tok is not None and tok.tag_ not in ("CD", "LS"):
            return False
    if found.kind == "range" and near_month:
        return False  # "September 16-19"
    if found.kind == "cardinal" and not found.digits and first.text[:1].isupper() and \
            prev is not None and prev.kind == "word" and prev.text[:1].isupper() and \
            prev.lower not in lex.words and prev.text not in _SENTENCE_END:
        return False  # "Ground Zero", "Air Force One": a number word inside a name
    if found.kind in ("quantity", "range", "cardinal") and first.kind == "num" \
            and prev is not None and first.glued and _in_code(toks, s, lex):
        return False  # "scp-173m", "scp2-173m": a code, not a length
    bare = (found.kind == "cardinal" and found.digits and not found.scaled
            and found.unit is None and first.kind == "num")
    if not bare:
        return True
    if prev is not None and first.glued and prev.kind == "word":
        return False  # "G7", "i7", "MH17"
    if prev is not None and prev.text == "/" and prev.glued and first.glued:
        return False  # "9/11", "24/7": a slash pair that is not a fraction
    if prev is not None and prev.text in ("-", "/", "#", "№") and first.glued and (
            prev.text == "#" or (s >= 2 and prev.glued and toks[s - 2].kind == "word"
                                 and toks[s - 2].lower not in lex.words)):
        return False  # "COVID-19", "F-35", "#5"
    if prev is not None and first.glued and (prev.text == "^" or (
            prev.text == "+" and prev.glued and s >= 2 and toks[s - 2].kind != "sym")):
        return False  # the exponent of "km^2", a catalogue code "J1149.5+6663"
    if nxt is not None and nxt.glued and nxt.kind == "word":
        return False  # "737MAX", "11a"
    if prev is not None and prev.lower in lex.identifier_heads:
        return False  # "Section 427", "flight 17"
    if near_month:
        return False
    if nxt is not None and (nxt.lower in _TIME_WORDS or (
            nxt.lower in ("a", "p") and e + 2 < n and toks[e + 1].text == "."
            and toks[e + 2].lower == "m")):
        return False
    if _is_year(found, first) and (found.value >= 1900 or not _plural_noun_after(ctx, toks, e)):
        return False  # counts of 1,900 and more are written with a comma in edited news
    label = ctx.entity_label(first.start, toks[e - 1].end)
    if label in _NAME_LABELS:
        return False
    if ctx.tagged and prev is not None and prev.kind == "word" and prev.text[:1].isupper() \
            and prev.text not in months:
        tok = ctx.token_at(prev.start)
        if tok is not None and tok.tag_ in ("NNP", "NNPS") and not tok.is_sent_start:
            return False  # "Boeing 737", "Windows 11"
    return True


def counted(found: Found, toks: list[Tok], ctx: Context) -> str | None:
    """The noun the number counts ("troops"), from the dependency parse."""
    if not ctx.parsed or found.kind not in _COUNTED_KINDS:
        return None
    start, end = toks[found.tok_start].start, toks[found.tok_end - 1].end
    doc = ctx.doc
    assert doc is not None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    inside = range(span.start, span.end)
    if found.kind in ("cardinal", "range", "ordinal"):
        for tok in span:
            head = tok.head
            if tok.dep_ in ("nummod", "amod", "compound", "quantmod", "nmod") \
                    and head.i not in inside and head.i > tok.i and head.tag_ in _NOUN_TAGS:
                return head.text
    for tok in span:
        if tok.head.i in inside and tok.head.i != tok.i:
            continue
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of" and child.i >= span.end:
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.tag_ in _NOUN_TAGS:
                        return obj.text
    return None


def plain(value: Any) -> Any:
    """A JSON-friendly number: integral values as int, others rounded to 10 significant digits."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if value is None:
        return None
    if float(value).is_integer() and abs(value) < 1e15:
        return int(value)
    return float(f"{value:.10g}")
