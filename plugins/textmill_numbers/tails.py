"""Tails that extend a quantity: "5 feet 2 inches", "45-year-old"."""

from __future__ import annotations

from .found import Found
from .tokens import Tok

_AGE_UNITS = {"year", "month", "week", "day"}


def compound_tail(toks: list[Tok], found: Found) -> None:
    """ "5 feet 2 inches", "5 ft 2 in": one height."""
    k, n = found.tok_end, len(toks)
    if found.unit != "foot" or k + 1 >= n or (toks[k].kind != "num" and toks[k].lower != "and"):
        return
    j = k
    if toks[j].lower == "and":
        j += 1
    inches = float(toks[j].text) if toks[j].kind == "num" else None
    nxt = toks[j + 1].lower if j + 1 < n else ""
    if inches is not None and inches < 12 and nxt in ("in", "inch", "inches", "in."):
        found.value = float(found.value) + inches / 12  # type: ignore[arg-type]
        found.tok_end = j + 2

def age_tail(toks: list[Tok], found: Found) -> None:
    """ "five years old", "45-year-old", "3 years of age": the age is part of the span."""
    if found.unit not in _AGE_UNITS:
        return
    k, n = found.tok_end, len(toks)
    if k + 1 < n and toks[k].text == "-" and toks[k + 1].lower == "old":
        found.tok_end = k + 2
    elif k < n and toks[k].lower == "old":
        found.tok_end = k + 1
    elif k + 1 < n and toks[k].lower == "of" and toks[k + 1].lower == "age":
        found.tok_end = k + 2

