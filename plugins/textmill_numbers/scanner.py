"""Find numbers in a token list: amounts with currency, percent, unit, sign, range and hedge."""

from __future__ import annotations

from .amount import Amount, parse_amount
from .found import MINUS, RANGE_DASH, Found, match_phrase
from .lexicon import Currency, Lexicon
from .ranges import bound_pair, join_range, read_hedge
from .tails import age_tail, compound_tail
from .tokens import Tok

__all__ = ["Found", "Scanner"]

_BRACKETS = {"(": ")", "[": "]", "{": "}", "<": ">"}


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
        if toks[k].text in _BRACKETS and k + 2 < n:
            hit = self._unit(toks, k + 1)  # "20 (kg)", "20 [kg]"
            if hit is not None and hit[1] < n and toks[hit[1]].text == _BRACKETS[toks[k].text]:
                return hit[0], hit[1] + 1
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
        if first.text in ("pm", "am"):
            digits = toks[k - 1].text if k > 0 and toks[k - 1].kind == "num" else ""
            if "." not in digits or len(digits.split(".")[1]) == 2:
                return None  # "2 pm", "2.30 pm" are clock times; "2.1 pm" is picometres
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
        elif t.text in MINUS and i + 1 < n and toks[i + 1].glued and toks[i + 1].kind == "num" \
                and not (t.glued and i > 0 and toks[i - 1].kind in ("num", "word")):
            sign, j = -1.0, i + 1
        cur_hit = self._currency(toks, j, prefix=True)
        if cur_hit is not None:
            cur, k = cur_hit
            if k < n and toks[k].text in MINUS and k + 1 < n and toks[k + 1].kind == "num":
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
        value, k = sign * amt.value, self._tolerance(toks, amt.end)
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
                age_tail(toks, found)
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
            compound_tail(toks, found)
            age_tail(toks, found)
        elif found.kind == "cardinal" and i > 0 and toks[i - 1].lower in ("aged", "age"):
            found.kind, found.unit = "quantity", "year"  # "aged 45": an age in years
        elif found.kind == "cardinal" and not amt.scaled:
            self._ratio(toks, found)
        return found

    def _ratio(self, toks: list[Tok], found: Found) -> None:
        """ "one in five", "2 out of 10", "one over three": a fraction written as a ratio."""
        k, n = found.tok_end, len(toks)
        num = found.value
        if k >= n or not isinstance(num, float) or not num.is_integer() or num == 0:
            return
        word = toks[k].lower
        j = k + 2 if word == "out" and k + 1 < n and toks[k + 1].lower == "of" else k + 1
        if j >= n or (word not in ("in", "over") and j != k + 2) or toks[j].text in MINUS:
            return
        den = self.element(toks, j)
        if den is None or den.kind != "cardinal" or not isinstance(den.value, float) \
                or den.scaled or not den.value.is_integer() or den.value <= 0:
            return
        if toks[j].kind == "num" and len(toks[j].text) == 4 and 1000 <= den.value <= 2100:
            return  # "3 in 2020": a year
        after = toks[den.tok_end] if den.tok_end < n else None
        if word == "over":
            # "3 over 10 games" is a count; only a bare "X over Y" is a ratio
            if after is not None and after.kind != "sym" and after.lower not in ("and", "or"):
                return
        elif abs(num) >= den.value:
            return  # "won 5 in 3 states" is no ratio
        found.value, found.kind, found.tok_end = num / den.value, "fraction", den.tok_end

    def _tolerance(self, toks: list[Tok], k: int) -> int:
        """Skip a measurement error after a value ("2.5 ± 0.1", "9.8 +/- 0.2"): the end."""
        n = len(toks)
        if k < n and toks[k].text == "±":
            j = k + 1
        elif k + 2 < n and [t.text for t in toks[k:k + 3]] == ["+", "/", "-"]:
            j = k + 3
        else:
            return k
        err = parse_amount(self.lex, toks, j) if j < n and toks[j].kind == "num" else None
        return err.end if err is not None and err.kind == "cardinal" else k

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
        if e >= n or (toks[e].kind == "sym" and toks[e].text not in RANGE_DASH):
            return value + cents / 100, e  # "15 dollars 50."
        return value, k

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
            joined = join_range(self, toks, found)
            if joined is not None:
                if joined.kind == "score":
                    i = joined.tok_end
                    continue
                found = joined
            read_hedge(self.lex, toks, found)
            pair = bound_pair(toks, out[-1], found) if out else None
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
