"""A number found by the scanner, the token phrase matcher, and shared token sets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .lexicon import PhraseTable
from .tokens import Tok

if TYPE_CHECKING:
    from .amount import Amount
    from .lexicon import Qualifier

RANGE_DASH = {"-", "–", "—", "~", "‒"}
RANGE_WORD = {"to", "through", "thru"}
MINUS = {"-", "−", "–"}


@dataclass(slots=True)
class Found:
    """A number found by the scanner, before the context filters."""

    tok_start: int
    tok_end: int
    value: float | list[float | None]
    kind: str
    unit: str | None = None
    qualifier: Qualifier | None = None
    digits: bool = False
    scaled: bool = False
    amount: Amount | None = None
    hedge_start: int = -1  # first token of the hedge before the number


def match_phrase(table: PhraseTable, toks: list[Tok], i: int) -> tuple[object, int] | None:
    """The longest phrase of ``table`` at token ``i``: (value, end index)."""
    if i >= len(toks):
        return None
    for words, exact, value in table.by_first.get(toks[i].lower, ()):
        end = i + len(words)
        if end > len(toks):
            continue
        if all((toks[i + k].text if exact[k] else toks[i + k].lower) == words[k]
               and (k == 0 or toks[i + k].kind != "num" or toks[i + k].glued)
               for k in range(len(words))):
            # a multi-token phrase must not run into a longer word ("°C" but not "°Cx")
            if end < len(toks) and toks[end].glued and toks[end].kind == "word" \
                    and toks[end - 1].kind == "word":
                continue
            return value, end
    return None

