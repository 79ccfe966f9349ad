"""Find numbers in a token list: amounts with currency, percent, unit, sign, range and hedge."""

from __future__ import annotations

from dataclasses import dataclass

from .amount import Amount, parse_amount
from .lexicon import Currency, Lexicon, PhraseTable
from .tokens import Tok

_RANGE_DASH = {"-", "–", "—", "~", "‒"}
_RANGE_WORD = {"to", "through", "thru"}
_MINUS = {"-", "−", "–"}
_AGE_UNITS = {"year", "month", "week", "day"}


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
               and (k == 0 or toks[i + k].kind != "num") for k in range(len(words))):
            # a multi-token phrase must not run into a longer word ("°C" but not "°Cx")
            if end < len(toks) and toks[end].glued and toks[end].kind == "word" \
                    and toks[end - 1].kind == "word":
                continue
            return value, end
    return None


class Scanner:
    """Scans tokens for numbers with the lexicon."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex

    # -- pieces after an amount -------------------------------------------------------
    def _percent(self, toks: list[Tok], k: int) -> tuple[str, int] | None:
        n = len(toks)
        if k >= n:
            return None
        w = toks[k].lower
        if w == "%":
            return "%", k + 1
        if w in ("percent", "pct", "percents", "percentage") or (
                w == "per" and k + 1 < n and toks[k + 1].lower == "cent"):
            k += 2 if w == "per" else 1
            if k < n and toks[k].lower in ("point", "points") and w in ("percentage", "percent"):
                return "percentage point", k + 1
            return "%", k
        return None

    def _currency(self, toks: list[Tok], k: int, *, prefix: bool) -> tuple[Currency, int] | None:
        hit = match_phrase(self.lex.currencies, toks, k)
        if hit is None:
            return None
        cur, end = hit
        assert isinstance(cur, Currency)
        if end - k > 1 and toks[end - 1].text == "$" and not toks[end - 1].glued:
            return None  # "a $2.3 billion" is not A$ (Australian dollars)
        if (prefix and not cur.prefix) or (not prefix and not cur.suffix):
            return None
        if not prefix and toks[k].kind == "sym" and end < len(toks) and toks[end].kind == "num":
            return None
        return cur, end

    def _unit(self, toks: list[Tok], k: int) -> tuple[str, int] | None:
        n = len(toks)
        if k >= n or toks[k].kind == "num":
            return None
        hit = match_phrase(self.lex.units, toks, k)
        if hit is None:
            return None
        unit, end = hit
        assert isinstance(unit, str)
        first = toks[k]
        short = len(first.text) <= 2 and first.kind == "word" and end == k + 1
        if short and first.text[0].isupper() and not first.glued and end < n \
                and toks[end].kind == "word" and toks[end].text[:1].isupper():
            return None  # "PA 23456 F Block"
        if first.text in ("C", "F", "K") and (first.glued or (
                end < n and toks[end].glued)):
            return None  # "777F", "13F", "2021 C.P.I.", "800,000 F-Series"
        if end < n and toks[end].glued and toks[end].kind in ("num", "word"):
            return None  # "24703m212"
        return unit, end

    # -- one element: [currency] amount [scale] [percent|currency|unit] --------------------
    def element(self, toks: list[Tok], i: int) -> Found | None:
        n = len(toks)
        if i >= n or toks[i].blocked:
            return None
        sign, j = 1.0, i
        t = toks[i]
        if t.lower in ("minus", "negative") and i + 1 < n:
            sign, j = -1.0, i + 1
        elif t.text in _MINUS and i + 1 < n and toks[i + 1].glued and toks[i + 1].kind == "num" \
                and not (t.glued and i > 0 and toks[i - 1].kind in ("num", "word")):
            sign, j = -1.0, i + 1
        cur_hit = self._currency(toks, j, prefix=True)
        if cur_hit is not None:
            cur, k = cur_hit
            if k < n and toks[k].text in _MINUS and k + 1 < n and toks[k + 1].kind == "num":
                sign, k = -sign, k + 1  # "$-99.99"
            amt = parse_amount(self.lex, toks, k, money=True) if k < n else None
            if amt is not None and amt.kind != "ordinal":
                end = amt.end
                again = self._currency(toks, end, prefix=False)
                if again is not None and again[0].iso == cur.iso and again[0].divisor == 1:
                    end = again[1]  # "$ 10 dollars"
                value = amt.value / cur.divisor
                if not amt.scaled:
                    value, end = self._minor_tail(toks, end, value, cur)
                return Found(i, end, sign * value, "money", cur.iso,
                             digits=amt.digits, scaled=amt.scaled, amount=amt)
        amt = parse_amount(self.lex, toks, j)
        if amt is None and t.lower in ("a", "an") and sign > 0:
            hit = self._currency(toks, i + 1, prefix=False)
            if hit is not None and toks[i + 1].kind == "word":
                return Found(i, hit[1], 1.0 / hit[0].divisor, "money", hit[0].iso)
        if amt is None:
            return None
        value, k = sign * amt.value, amt.end
        found = Found(i, k, value, amt.kind, digits=amt.digits, scaled=amt.scaled, amount=amt)
        if amt.kind == "ordinal":
            return found
        pct = self._percent(toks, k)
        if pct is not None:
            found.kind, found.unit, found.tok_end = "percent", pct[0], pct[1]
            return found
        cur_hit = self._currency(toks, k, prefix=False)
        if cur_hit is not None:
            cur, end = cur_hit
            value = value / cur.divisor
            if end < n and self.lex.words.get(toks[end].lower, ("",))[0] == "scale":
                value *= self.lex.words[toks[end].lower][1]  # "75 USD million"
                end += 1
            value, end = self._minor_tail(toks, end, value, cur)
            found.kind, found.unit, found.value, found.tok_end = "money", cur.iso, value, end
            return found
        if k < n and toks[k].text == "-" and toks[k].glued and k + 1 < n and toks[k + 1].glued:
            unit = self._unit(toks, k + 1)  # "12-tonne", "six-mile"
            if unit is not None:
                found.kind, found.unit, found.tok_end = "quantity", unit[0], unit[1]
                self._age_tail(toks, found)
                return found
            cur_hit = self._currency(toks, k + 1, prefix=False)
            if cur_hit is not None and cur_hit[0].iso:  # "12-cent", "one-yen"
                found.kind, found.unit, found.tok_end = "money", cur_hit[0].iso, cur_hit[1]
                found.value = value / cur_hit[0].divisor
                return found
        unit = self._unit(toks, k)
        if unit is not None and unit[0] == "pound" and self._money_pounds(toks, i, unit[1], amt):
            found.kind, found.unit, found.tok_end = "money", "GBP", unit[1]
            if unit[1] < n and toks[unit[1]].lower == "sterling":
                found.tok_end += 1
            return found
        if unit is not None:
            found.kind, found.unit, found.tok_end = "quantity", unit[0], unit[1]
            self._compound_tail(toks, found)
            self._age_tail(toks, found)
        elif found.kind == "cardinal" and i > 0 and toks[i - 1].lower in ("aged", "age"):
            found.kind, found.unit = "quantity", "year"  # "aged 45": an age in years
        return found

    def _money_pounds(self, toks: list[Tok], i: int, end: int, amt: Amount) -> bool:
        """Whether "pounds" here is sterling: after a scale, or near a word about money."""
        if amt.scaled or (end < len(toks) and toks[end].lower == "sterling"):
            return True
        if end < len(toks) and toks[end].lower == "of":
            return False  # "two pounds of rice"
        cues = self.lex.money_cues
        return any(t.lower in cues for t in toks[max(0, i - 8):min(len(toks), end + 4)])

    def _minor_tail(self, toks: list[Tok], k: int, value: float,
                    cur: Currency) -> tuple[float, int]:
        """ "3 dollars 50 cents", "$20 and 43c": add the minor unit after a major one."""
        n = len(toks)
        if cur.divisor != 1 or k >= n:
            return value, k
        j = k + 1 if toks[k].lower == "and" else k
        if j >= n or not value.is_integer():
            return value, k
        amt = parse_amount(self.lex, toks, j)
        if amt is None or amt.kind != "cardinal" or amt.scaled or not 0 < amt.value < 100 \
                or not amt.value.is_integer() or "." in toks[j].text:
            return value, k
        cents, e = amt.value, amt.end
        hit = self._currency(toks, e, prefix=False)
        if hit is not None and hit[0].divisor == 100:
            return value + cents / 100, hit[1]
        if e < n and toks[e].lower in ("c", "sen", "sens", "kopiykas") and (
                toks[e].glued or toks[e].lower != "c"):
            return value + cents / 100, e + 1
        if e >= n or (toks[e].kind == "sym" and toks[e].text not in _RANGE_DASH):
            return value + cents / 100, e  # "15 dollars 50."
        return value, k

    def _compound_tail(self, toks: list[Tok], found: Found) -> None:
        """ "5 feet 2 inches", "5 ft 2 in": one height."""
        k, n = found.tok_end, len(toks)
        if found.unit != "foot" or k + 1 >= n or toks[k].kind != "num":
            return
        j = k
        if toks[j].lower == "and":
            j += 1
        inches = float(toks[j].text) if toks[j].kind == "num" else None
        nxt = toks[j + 1].lower if j + 1 < n else ""
        if inches is not None and inches < 12 and nxt in ("in", "inch", "inches", "in."):
            found.value = float(found.value) + inches / 12  # type: ignore[arg-type]
            found.tok_end = j + 2

    def _age_tail(self, toks: list[Tok], found: Found) -> None:
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

    # -- ranges and hedges -------------------------------------------------------------
    def _range(self, toks: list[Tok], first: Found) -> Found | None:
        """Join "10-15", "30 to 40%", "between 30 and 40", "$5-10 million" into one range."""
        n, k = len(toks), first.tok_end
        if k >= n or first.kind == "ordinal":
            return None
        before = toks[first.tok_start - 1].lower if first.tok_start > 0 else ""
        conn = toks[k].lower
        step = 1
        if conn == "-" and k + 1 < n and toks[k + 1].lower == "to":
            step = 2  # "8- to 16-meter"
        elif conn == "and":
            if before != "between":
                return None
        elif conn in _RANGE_WORD:
            if before == "from" and first.tok_start >= 2 and \
                    self._is_change(toks[first.tok_start - 2].lower):
                return None
        elif conn not in _RANGE_DASH:
            return None
        second = self.element(toks, k + step)
        if second is None or second.kind == "ordinal" or toks[k + step].text in _MINUS \
                and conn in _RANGE_DASH and toks[k + step].glued:
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
        if conn in _RANGE_DASH and step == 1 and lo >= hi and lo >= 0:
            return Found(first.tok_start, second.tok_end, [], "score")
        if conn in _RANGE_WORD and lo > hi:
            return None  # "won by 46 percent to 42 percent": two values, not a range
        kind = second.kind if first.kind in ("cardinal", "fraction") else first.kind
        unit = first.unit or second.unit
        if kind in ("cardinal", "fraction"):
            kind = "range"
        return Found(first.tok_start, second.tok_end, [min(lo, hi), max(lo, hi)], kind, unit,
                     digits=first.digits or second.digits, scaled=first.scaled or second.scaled)

    def _is_change(self, word: str) -> bool:
        verbs = self.lex.change_verbs
        return any(word[:len(word) - cut] in verbs for cut in (0, 1, 2, 3) if len(word) > cut)

    def _hedge(self, toks: list[Tok], found: Found) -> None:
        """Set the hedge written before ("about 30") or after ("500 or more") the number."""
        i = found.tok_start
        if i > 0 and toks[i - 1].lower in ("between", "from") and isinstance(found.value, list):
            i -= 1
        found.hedge_start = i
        for size in (5, 4, 3, 2, 1):
            if i - size < 0:
                continue
            key = tuple(t.lower for t in toks[i - size:i])
            qual = self.lex.hedges.get(key)
            if qual is not None and key[0] not in ("or", "and"):
                found.qualifier, found.hedge_start = qual, i - size
                return
        k = found.tok_end
        key = tuple(t.lower for t in toks[k:k + 2])
        if key and key[0] in ("or", "and") and key in self.lex.hedges:
            found.qualifier = self.lex.hedges[key]

    def _bound_pair(self, toks: list[Tok], prev: Found, cur: Found) -> Found | None:
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

    # -- the scan ---------------------------------------------------------------------
    def scan(self, toks: list[Tok]) -> list[Found]:
        """Every number in ``toks``, left to right, without overlaps."""
        out: list[Found] = []
        i, n = 0, len(toks)
        while i < n:
            t = toks[i]
            if t.blocked or not (t.kind == "num" or t.lower in self._starters):
                i += 1
                continue
            found = self.element(toks, i)
            if found is None:
                i += 1
                continue
            joined = self._range(toks, found)
            if joined is not None:
                if joined.kind == "score":
                    i = joined.tok_end
                    continue
                found = joined
            self._hedge(toks, found)
            pair = self._bound_pair(toks, out[-1], found) if out else None
            if pair is not None:
                out[-1] = pair
            else:
                out.append(found)
            i = found.tok_end
        return out

    @property
    def _starters(self) -> set[str]:
        cached = getattr(self, "_starter_cache", None)
        if cached is None:
            cached = set(self.lex.words) | {"a", "an", "minus", "negative", "-", "−", "–"}
            cached |= set(self.lex.currencies.by_first)
            cached |= {"½", "⅓", "⅔", "¼", "¾", "⅕", "⅙", "⅛", "⅜", "⅝", "⅞"}
            cached.discard("point")
            self._starter_cache = cached
        return cached
