"""Pair quotation marks in raw text: one pass, per paragraph, robust to unbalanced marks."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from textmill.segment import ends_line

#: Double quotation marks, and the doubled apostrophes/backticks some archives use for them;
#: single quotes are left alone (apostrophes make them ambiguous).
_MARK = re.compile(r'["“”„«»]|\'\'|``')
_OPEN_GLYPHS = ("“", "„", "«", "``")
_CLOSE_GLYPHS = "”»"
_LEFT_OPENERS = "([{—–-/\u00a0"
_RIGHT_CLOSERS = ".,;:!?)]}—–-…"
_LINE_BREAK = re.compile(r"[ \t\r\f\v\u00a0]*\n\s*")


@dataclass(slots=True)
class QuoteRun:
    """A quotation: its content fragments (one per paragraph) and where its marks are."""

    spans: list[tuple[int, int]]
    open_mark: int
    close_mark: int | None
    paragraph: int
    last_paragraph: int
    closed: bool = True
    after: int = 0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


def paragraph_starts(text: str) -> list[int]:
    """Offsets where paragraphs start: after blank lines and after lines that end a sentence."""
    starts = [0]
    for match in _LINE_BREAK.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if match.group().count("\n") >= 2 or ends_line(text[line_start:match.start()]):
            starts.append(match.end())
    return starts


def _role(text: str, pos: int, end: int) -> str:
    """'open', 'close' or '' (decide by glyph/state) from the characters around a mark."""
    prev = text[pos - 1] if pos > 0 else "\n"
    nxt = text[end] if end < len(text) else "\n"
    left_space = prev.isspace() or prev in _LEFT_OPENERS
    right_space = nxt.isspace() or nxt in _RIGHT_CLOSERS
    can_open = left_space and not nxt.isspace()
    can_close = not prev.isspace() and right_space
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    return ""


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_quotes(text: str) -> list[QuoteRun]:
    """Quotations of ``text`` in order; paragraphs re-opened with a mark continue a quote."""
    paras = paragraph_starts(text)

    def para_of(pos: int) -> int:
        return bisect_right(paras, pos) - 1

    def para_end(index: int) -> int:
        return paras[index + 1] if index + 1 < len(paras) else len(text)

    pieces: list[QuoteRun] = []
    open_at: int | None = None
    widths: dict[int, int] = {}
    for match in _MARK.finditer(text):
        pos = match.start()
        para = para_of(pos)
        if open_at is not None and para_of(open_at) != para:
            pieces.append(_piece(text, open_at, None, para_of(open_at), para_end(para_of(open_at)),
                                 widths[open_at]))
            open_at = None
        role = _role(text, pos, match.end())
        if not role and text[pos - 1:pos].isspace() and text[match.end():match.end() + 1].isspace():
            continue  # a mark standing alone between spaces quotes nothing
        if not role:
            glyph = match.group()
            if glyph in _OPEN_GLYPHS:
                role = "open"
            elif glyph in _CLOSE_GLYPHS:
                role = "close"
            else:
                role = "open" if open_at is None else "close"
        if role == "open":
            open_at = pos  # a second opener in one paragraph: the first one was never closed
            widths[pos] = match.end() - pos
        elif open_at is not None:
            pieces.append(_piece(text, open_at, pos, para, pos, widths[open_at]))
            open_at = None
    if open_at is not None:
        pieces.append(_piece(text, open_at, None, para_of(open_at), para_end(para_of(open_at)),
                             widths[open_at]))
    return _chain(text, [p for p in pieces if p.spans[0][0] < p.spans[0][1]], paras)


def _piece(text: str, open_at: int, close_at: int | None, para: int, end: int,
           width: int) -> QuoteRun:
    start, stop = _trim(text, open_at + width, end)
    if stop > start and text[stop - 1] == ",":  # “…,” he said: the comma belongs to the frame
        stop -= 1
    after = end if close_at is None else close_at + (2 if text.startswith("''", close_at) else 1)
    return QuoteRun([(start, stop)], open_at, close_at, para, para, closed=close_at is not None,
                    after=after)


def _chain(text: str, pieces: list[QuoteRun], paras: list[int]) -> list[QuoteRun]:
    """Join a paragraph left open with the next paragraph's quote when that one opens it."""
    out: list[QuoteRun] = []
    for piece in pieces:
        prev = out[-1] if out else None
        if (prev is not None and not prev.closed and piece.paragraph == prev.last_paragraph + 1
                and text[paras[piece.paragraph]:piece.open_mark].strip() == ""):
            prev.spans.extend(piece.spans)
            prev.close_mark = piece.close_mark
            prev.closed = piece.closed
            prev.after = piece.after
            prev.last_paragraph = piece.paragraph
            prev.extra["multi_paragraph"] = True
            continue
        out.append(piece)
    return out
