"""Read one amount at a token: digits or number words, scales, fractions, decimals, ordinals."""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import Lexicon
from .parts import (
    COUNTING,
    ORDINAL_SUFFIX,
    VULGAR,
    compound_denominator,
    decimals,
    denominator,
    fraction_ok,
    fraction_tail,
    is_word_number,
    million_m,
    scale_suffix,
    smaller_group,
)
from .tokens import Tok, number_value

__all__ = ["VULGAR", "Amount", "million_m", "parse_amount"]


@dataclass(slots=True)
class Amount:
    """A number read from tokens ``[start, end)``."""

    value: float
    end: int
    kind: str  # cardinal | ordinal | fraction
    scaled: bool = False  # a scale word or suffix multiplied it
    digits: bool = False  # written with digits
    mult: float = 1.0  # the largest scale applied ("5-10 million" shares it with the 5)



def parse_amount(lex: Lexicon, toks: list[Tok], i: int, *, money: bool = False) -> Amount | None:
    """The amount starting at token ``i``, or None."""
    n = len(toks)
    total = current = 0.0
    last: str | None = None
    max_scale = 0.0
    scaled = digits = False
    j = i
    first = toks[i]
    between = i > 0 and toks[i - 1].lower == "between"
    if first.blocked:
        return None
    if first.lower in ("a", "an") and i + 1 < n:
        nxt = toks[i + 1].lower
        entry = lex.words.get(nxt)
        if entry is None or entry[0] not in ("hundred", "scale", "multiplier", "denominator",
                                             "ordinal", "collective", "tens"):
            return None
        if entry[0] == "ordinal" and denominator(lex, nxt) is None:
            return None
        if entry[0] == "tens":
            den = compound_denominator(lex, toks, i + 1, 1.0)
            return None if den is None else Amount(1 / den[0], den[1], "fraction")
        if entry[0] == "collective":
            after = toks[i + 2] if i + 2 < n else None
            if after is None or after.lower == "of" or after.kind == "sym":
                return Amount(2.0, i + 2, "cardinal")
            return None
        current, last, j = 1.0, "a", i + 1
    while j < n:
        t = toks[j]
        if t.blocked:
            break
        if t.kind == "num":
            if last not in (None, "scale", "hundred", "and"):
                break
            v = number_value(t.text)
            if last is not None and (v >= 1000 or (last == "scale" and v >= max_scale)):
                break
            if last is None and j + 2 < n and toks[j + 1].text == "/" and toks[j + 1].glued \
                    and toks[j + 2].glued and toks[j + 2].kind == "num":
                den = number_value(toks[j + 2].text)
                if not fraction_ok(v, den, toks[j].text + toks[j + 2].text):
                    return None
                return Amount(v / den, j + 3, "fraction", digits=True)
            current += v
            digits = True
            last = "digit"
            j += 1
            # "2 1/2", "2½": a written fraction right after digits
            if j + 2 < n and toks[j].kind == "num" and toks[j + 1].text == "/" \
                    and toks[j + 1].glued and toks[j + 2].glued and toks[j + 2].kind == "num":
                num, den = number_value(toks[j].text), number_value(toks[j + 2].text)
                if fraction_ok(num, den, toks[j].text + toks[j + 2].text):
                    current += num / den
                    j += 3
            elif j < n and toks[j].text in VULGAR and toks[j].glued:
                current += VULGAR[toks[j].text]
                j += 1
            if j < n and toks[j].glued and toks[j].lower in ORDINAL_SUFFIX and last == "digit" \
                    and total == 0 and current == int(current):
                return Amount(current, j + 1, "ordinal", digits=True)
            if j < n and toks[j].glued and toks[j].text in ("s", "'s", "’s") and current >= 10:
                return None  # the 1990s, the '90s
            if j < n:
                mult = scale_suffix(lex, toks, j)
                if mult is not None and (toks[j].text != "m" or money or million_m(toks, j)):
                    total = (total + current) * mult
                    current, scaled, last = 0.0, True, "scale"
                    max_scale = mult
                    j += 1
            continue
        w = t.lower
        if t.text in VULGAR and last in (None, "a"):
            current += VULGAR[t.text]
            last = "frac"
            j += 1
            continue
        if w in ("-", "—", "–") and last == "tens" and j + 1 < n:
            nxt = lex.words.get(toks[j + 1].lower)
            if nxt and nxt[0] in ("unit", "ordinal") and nxt[1] < 10:
                j += 1
                continue
            break
        if w == "-" and last in ("unit", "a", "hundred") and j + 1 < n \
                and denominator(lex, toks[j + 1].lower) is not None:
            j += 1
            continue
        if w == "and" and last in ("hundred", "scale", "unit", "tens", "digit") and j + 1 < n:
            nxt = toks[j + 1]
            tail = fraction_tail(lex, toks, j + 1)
            if tail is not None or (last in ("hundred", "scale") and is_word_number(lex, nxt)
                                    and smaller_group(lex, toks, j + 1, last, max_scale,
                                                      between=between)):
                if tail is not None:
                    frac, k = tail
                    scale = lex.words.get(toks[k].lower) if k < n else None
                    if last == "scale" and current == 0 and scale is not None \
                            and scale[0] == "scale" and scale[1] < max_scale:
                        frac, k = frac * scale[1], k + 1  # "one billion and a half million"
                    elif last == "scale" and current == 0:
                        frac *= max_scale  # "three million and a half"
                    current += frac
                    last, j = "frac", k
                    continue
                last = "and"
                j += 1
                continue
            break
        if w == "point" and last in ("unit", "tens", "digit", None, "hundred"):
            dec = decimals(lex, toks, j + 1)
            if dec is None:
                break
            current += dec[0]
            j = dec[1]
            last = "digit"
            continue
        entry = lex.words.get(w)
        if entry is None and last in COUNTING and denominator(lex, w) is not None:
            entry = ("denominator", denominator(lex, w) or 1.0)  # plural "thirds"
        if entry is None:
            if last == "digit":
                mult = scale_suffix(lex, toks, j)
                if mult is not None and not (t.text == "m" and not (money or million_m(toks, j))):
                    total = (total + current) * mult
                    current, scaled, last, max_scale = 0.0, True, "scale", mult
                    j += 1
                    continue
            break
        cls, v = entry
        if cls == "unit":
            if last in ("unit", "digit", "frac") or (last == "tens" and v >= 10):
                break
            current += v
            last = "unit"
        elif cls == "tens":
            if last in ("unit", "tens") and total == 0 and current < 100:
                den = compound_denominator(lex, toks, j, current)
                if den is not None:  # "one twenty-fifth", "three twenty-firsts"
                    return Amount(current / den[0], den[1], "fraction")
            if last in ("unit", "tens", "digit", "frac"):
                break
            current += v
            last = "tens"
        elif cls == "hundred":
            if last not in ("unit", "tens", "digit", "a"):
                break
            current = (current or 1.0) * 100
            last = "hundred"
        elif cls == "scale":
            if last not in ("unit", "tens", "digit", "hundred", "a", "frac", "denominator"):
                break
            if v > max_scale:
                total = (total + current) * v
            else:
                total += current * v
            max_scale = max(max_scale, v)
            current, scaled, last = 0.0, True, "scale"
        elif cls == "multiplier":
            if last not in ("unit", "tens", "digit", "hundred", "a"):
                break
            current *= v
            last = "scale"
            scaled = True
        elif cls in ("ordinal", "denominator"):
            den = denominator(lex, w)
            singular_small = cls == "ordinal" and v < 10
            if last == "tens" and singular_small:
                return Amount(total + current + v, j + 1, "ordinal")  # "twenty-fifth"
            if last in ("unit", "digit") and cls == "ordinal" and v >= 100 and current > 1:
                return Amount((total + current) * v, j + 1, "ordinal")  # "two hundredth"
            if last in COUNTING and den is not None and (total == 0 or current > 0):
                # "two thirds", "a quarter", "one-eighth": a fraction of the count
                frac = current / den
                j += 1
                k = j + (1 if j < n and toks[j].lower == "of" else 0)
                k += 1 if k < n and toks[k].lower in ("a", "an") else 0
                if k < n and lex.words.get(toks[k].lower, ("",))[0] == "scale" and total == 0:
                    mult = lex.words[toks[k].lower][1]
                    return Amount(frac * mult, k + 1, "cardinal", True, digits, mult)
                if total:
                    return Amount(total + frac, j, "cardinal", scaled, digits, max_scale or 1.0)
                return Amount(frac, j, "fraction", False, digits)
            if cls == "ordinal" and last in (None, "tens", "and"):
                return Amount(total + current + v if last else v, j + 1, "ordinal")
            if cls == "denominator" and last is None:
                # bare "half": "half a million", "half of the voters"
                k = j + 1 + (1 if j + 1 < n and toks[j + 1].lower in ("a", "an") else 0)
                if k < n and lex.words.get(toks[k].lower, ("",))[0] == "scale":
                    mult = lex.words[toks[k].lower][1]
                    return Amount(mult / v, k + 1, "cardinal", True, mult=mult)
                if k < n and lex.words.get(toks[k].lower, ("",))[0] == "multiplier":
                    return Amount(12 / v, k + 1, "cardinal")
                if w == "half" or (w == "quarter" and k < n and toks[k].lower == "of"):
                    return Amount(1 / v, j + 1, "fraction")
            break
        else:
            break
        j += 1
    if last == "and":
        j -= 1
    if last is None or last == "a":
        return None
    value = total + current
    kind = "fraction" if last == "frac" and total == 0 and value < 1 else "cardinal"
    return Amount(value, j, kind, scaled, digits, max_scale or 1.0)
