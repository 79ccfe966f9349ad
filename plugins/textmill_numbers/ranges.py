"""Join numbers into ranges ("10-15", "between 30 and 40") and read their hedges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .found import MINUS, RANGE_DASH, RANGE_WORD, Found
from .lexicon import Lexicon
from .tokens import Tok

if TYPE_CHECKING:
    from .scanner import Scanner

# Verbs that make "from X to Y" a range whatever the order of X and Y ("ranged from -18 to -34").
_SPAN_VERBS = {"range", "ranges", "ranged", "ranging", "vary", "varies", "varied", "varying"}


def join_range(scanner: Scanner, toks: list[Tok], first: Found) -> Found | None:
    """Join "10-15", "30 to 40%", "between 30 and 40", "$5-10 million" into one range."""
    n, k = len(toks), first.tok_end
    if k >= n or first.kind == "ordinal":
        return None
    s = first.tok_start
    if s > 0 and toks[s].glued and toks[s - 1].kind == "word":
        return None  # "i7-860": a model name
    spans = False
    before = toks[first.tok_start - 1].lower if first.tok_start > 0 else ""
    conn = toks[k].lower
    step = 1
    if conn == "-" and k + 1 < n and toks[k + 1].lower == "to":
        step = 2  # "8- to 16-meter"
    elif conn == "and":
        if before != "between":
            return None
    elif conn in RANGE_WORD:
        if before == "from" and first.tok_start >= 2 and \
                is_change(scanner.lex, toks[first.tok_start - 2].lower):
            return None
        spans = before == "from" and first.tok_start >= 2 and \
            toks[first.tok_start - 2].lower in _SPAN_VERBS
    elif conn not in RANGE_DASH:
        return None
    second = scanner.element(toks, k + step)
    if second is None or second.kind == "ordinal" or toks[k + step].text in MINUS \
            and conn in RANGE_DASH and toks[k + step].glued:
        return None
    if first.unit and second.unit and first.unit != second.unit:
        return None
    if "fraction" in (first.kind, second.kind) and first.kind != second.kind:
        return None
    if first.kind not in ("cardinal", second.kind):
        if not (first.kind in ("money", "percent", "quantity") and second.kind == "cardinal"
                and conn != "and"):
            return None
    lo, hi = first.value, second.value
    assert isinstance(lo, float) and isinstance(hi, float)
    if second.scaled and not first.scaled and second.amount and first.amount and \
            first.amount.digits == second.amount.digits and \
            lo * second.amount.mult <= hi:
        lo *= second.amount.mult
    if conn in RANGE_DASH and step == 1 and lo >= hi and lo >= 0:
        return Found(first.tok_start, second.tok_end, [], "score")
    if conn in RANGE_WORD and lo > hi and not spans:
        return None  # "won by 46 percent to 42 percent": two values, not a range
    kind = second.kind if first.kind in ("cardinal", "fraction") else first.kind
    unit = first.unit or second.unit
    if kind in ("cardinal", "fraction"):
        kind = "range"
    return Found(first.tok_start, second.tok_end, [min(lo, hi), max(lo, hi)], kind, unit,
                 digits=first.digits or second.digits, scaled=first.scaled or second.scaled)

def is_change(lex: Lexicon, word: str) -> bool:
    verbs = lex.change_verbs
    return any(word[:len(word) - cut] in verbs for cut in (0, 1, 2, 3) if len(word) > cut)

def read_hedge(lex: Lexicon, toks: list[Tok], found: Found) -> None:
    """Set the hedge written before ("about 30") or after ("500 or more") the number."""
    i = found.tok_start
    if i > 0 and toks[i - 1].lower in ("between", "from") and isinstance(found.value, list):
        i -= 1
    found.hedge_start = i
    for size in (5, 4, 3, 2, 1):
        if i - size < 0:
            continue
        key = tuple(t.lower for t in toks[i - size:i])
        qual = lex.hedges.get(key)
        if qual is not None and key[0] not in ("or", "and"):
            found.qualifier, found.hedge_start = qual, i - size
            break
    k = found.tok_end
    key = tuple(t.lower for t in toks[k:k + 2])
    after = lex.hedges.get(key) if key and key[0] in ("or", "and") else None
    j = k + 3 if k + 2 < len(toks) and toks[k + 2].lower == "than" else k + 2
    nxt = toks[j] if j < len(toks) else None
    if after is not None and nxt is not None and (
            nxt.kind == "num" or nxt.lower in lex.words):
        after = None  # "5000 or less than 6000": the hedge of the next number
    # "about 500 or more": the bound after says more than the estimate before
    if after is not None and (found.qualifier is None or (
            found.qualifier.bound in ("none", "equal") and after.bound != "none")):
        found.qualifier = after


def bound_pair(toks: list[Tok], prev: Found, cur: Found) -> Found | None:
    """ "more than 10 and less than 20": two opposite bounds make one range."""
    qp, qc = prev.qualifier, cur.qualifier
    if qp is None or qc is None or {qp.bound, qc.bound} != {"lower", "upper"}:
        return None
    between = [t.lower for t in toks[prev.tok_end:cur.hedge_start]]
    if between not in (["and"], ["but"], [","], [",", "and"], [",", "but"]):
        return None
    if prev.unit != cur.unit or isinstance(prev.value, list) or isinstance(cur.value, list):
        return None
    lo, hi = (prev.value, cur.value) if qp.bound == "lower" else (cur.value, prev.value)
    if not lo < hi:
        return None
    kind = "range" if prev.kind in ("cardinal", "fraction") else prev.kind
    return Found(prev.tok_start, cur.tok_end, [lo, hi], kind, prev.unit,
                 digits=prev.digits, hedge_start=prev.hedge_start)

