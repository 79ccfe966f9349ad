"""Pieces of a written amount: fractions, denominators, scale suffixes, decimals."""

from __future__ import annotations

from .lexicon import Lexicon
from .tokens import Tok, number_value

VULGAR = {"½": 0.5, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 0.25, "¾": 0.75, "⅕": 0.2, "⅖": 0.4,
          "⅗": 0.6, "⅘": 0.8, "⅙": 1 / 6, "⅚": 5 / 6, "⅛": 0.125, "⅜": 0.375, "⅝": 0.625,
          "⅞": 0.875}
ORDINAL_SUFFIX = {"st", "nd", "rd", "th"}
# Ordinals that are never denominators ("one second" is a duration, not a half).
NOT_DENOMINATOR = {"first", "second"}
COUNTING = ("unit", "tens", "digit", "a")


def fraction_ok(num: float, den: float, digits: str) -> bool:
    """Written fractions have a small numerator over a usual denominator ("3/4", "1/40");
    "9/11" and "24/7" are names, not fractions."""
    if "." in digits or "," in digits or not 0 < num < den:
        return False
    d = int(den)
    return d in (2, 3, 4, 5, 6, 8) or d % 10 == 0 or (d & (d - 1)) == 0


def denominator(lex: Lexicon, word: str) -> float | None:
    entry = lex.words.get(word)
    if entry and entry[0] in ("denominator", "ordinal") and word not in NOT_DENOMINATOR:
        return entry[1]
    if word.endswith("s"):
        entry = lex.words.get(word[:-1])
        if entry and entry[0] == "ordinal" and word[:-1] not in NOT_DENOMINATOR:
            return entry[1]
    return None


def scale_suffix(lex: Lexicon, toks: list[Tok], j: int) -> float | None:
    """Multiplier of an abbreviated scale at ``j`` right after digits ("10k", "2 bn")."""
    t = toks[j]
    entry = lex.scales.get(t.text) or lex.scales.get(t.lower)
    if entry is None or t.kind != "word":
        return None
    mult, exact, glued_only = entry
    if (exact and t.text not in lex.scales) or (glued_only and not t.glued):
        return None
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    if nxt is not None and nxt.glued and nxt.kind in ("word", "num"):
        return None  # "10km", "3MW": a longer unit, not a scale
    return mult


def million_m(toks: list[Tok], j: int) -> bool:
    """Whether a lowercase "m" after digits means million ("1.2m people") rather than metres."""
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    if nxt is None or nxt.kind != "word":
        return False
    return nxt.lower in ("people", "of", "in", "more", "and") or (
        nxt.lower.endswith("s") and not nxt.lower.endswith("ss") and len(nxt.lower) > 3)


def decimals(lex: Lexicon, toks: list[Tok], j: int) -> tuple[float, int] | None:
    """The fraction after "point": "point five", "point zero three", "point 77"."""
    n = len(toks)
    if j < n and toks[j].kind == "num" and "." not in toks[j].text and "," not in toks[j].text:
        return float("0." + toks[j].text), j + 1
    digits = ""
    while j < n:
        entry = lex.words.get(toks[j].lower)
        if entry is None or entry[0] not in ("unit", "tens"):
            break
        cls, v = entry
        if cls == "tens" and j + 2 < n and toks[j + 1].text == "-":
            unit = lex.words.get(toks[j + 2].lower)
            if unit and unit[0] == "unit" and unit[1] < 10:
                v += unit[1]
                j += 2
        digits += str(int(v))
        j += 1
    return (float("0." + digits), j) if digits else None


def fraction_tail(lex: Lexicon, toks: list[Tok], j: int) -> tuple[float, int] | None:
    """A fraction after "and": "a half", "three quarters", "two-fifths" -> (value, end)."""
    n = len(toks)
    if j + 1 >= n:
        return None
    entry = lex.words.get(toks[j].lower)
    if toks[j].lower in ("a", "an"):
        count = 1.0
    elif entry is not None and entry[0] == "unit" and entry[1] > 0:
        count = entry[1]
    elif entry is not None and entry[0] == "tens":
        count = entry[1]  # "two and fifty-four hundredths"
        unit = lex.words.get(toks[j + 2].lower) if j + 2 < n and toks[j + 1].text == "-" else None
        if unit is not None and unit[0] == "unit" and 0 < unit[1] < 10:
            count, j = count + unit[1], j + 2
    else:
        return None
    if j + 1 >= n:
        return None
    k = j + 1 + (1 if toks[j + 1].text == "-" else 0)
    den = denominator(lex, toks[k].lower) if k < n else None
    if den is None or count >= den:
        return None  # "one hundred and thirty fifths" is 130/5, not 100 + 30/5
    return count / den, k + 1


def smaller_group(lex: Lexicon, toks: list[Tok], j: int, last: str, scale: float, *,
                  between: bool = False) -> bool:
    """After "hundred and" / "thousand and" only a smaller group may follow, so
    "3 hundred and 2 hundred" stays two numbers ("two hundred and two thousand" is one,
    unless it follows "between")."""
    tok = toks[j]
    if tok.kind == "num":
        v = number_value(tok.text)
        if v == 0 or v >= (100 if last == "hundred" else min(scale, 1000)):
            return False
    after = toks[j + 1] if j + 1 < len(toks) else None
    if after is None:
        return True
    entry = lex.words.get(after.lower)
    if entry is None and tok.kind == "num" and j + 2 < len(toks) and after.text == "-":
        return True
    if entry is None:
        return True
    if entry[0] == "hundred":
        return last == "scale"
    if entry[0] == "scale" and last == "hundred" and scale == 0:
        return not between
    return not (entry[0] == "scale" and entry[1] >= scale)


def compound_denominator(lex: Lexicon, toks: list[Tok], j: int,
                         count: float) -> tuple[float, int] | None:
    """ "twenty-fifth" after "one", "twenty-firsts" after "three": (denominator, end)."""
    n = len(toks)
    tens = lex.words.get(toks[j].lower)
    if tens is None or tens[0] != "tens":
        return None
    k = j + 2 if j + 2 < n and toks[j + 1].text == "-" else j + 1
    if k >= n:
        return None
    word = toks[k].lower
    plural = word.endswith("s")
    unit = lex.words.get(word[:-1] if plural else word)
    if unit is None or unit[0] != "ordinal" or not 0 < unit[1] < 10 or plural != (count > 1):
        return None
    nxt = toks[k + 1] if k + 1 < n else None
    if not plural and nxt is not None and nxt.kind != "sym" and nxt.lower != "of":
        return None  # "a twenty-first century city": an ordinal
    return tens[1] + unit[1], k + 1


def is_word_number(lex: Lexicon, tok: Tok) -> bool:
    entry = lex.words.get(tok.lower)
    return tok.kind == "num" or (entry is not None and entry[0] in ("unit", "tens"))

