"""A light tokenizer over raw text: digit groups, words and single symbols, with offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Thousands groups must have exactly three digits, so "22,24,26" stays three numbers;
# the Indian grouping "12,34,567" and thin/no-break-space groups are accepted too.
# Powers and scientific notation come first: "1.1^23", "2.5^-1", "1.3x10^6", "2.48×10−5"
# (the bare "x10-3" form only with a minus, so "a 5x10 room" stays two numbers).
_POWER = (r"\d+(?:\.\d+)?(?:[x×]\d+)?\^[-−+]{0,2}\d+(?![\w.])"
          r"|\d+(?:\.\d+)?[x×]10(?:[-−]\d+|[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)(?![\w.])")
_NUMBER = (rf"{_POWER}|\d{{1,3}}(?:,\d{{3}}(?!\d))+(?:\.\d+)?(?![\d,]\d)"
           r"|\d{1,2}(?:,\d{2}(?!\d))+,\d{3}(?:\.\d+)?(?!\d)"
           r"|\d{1,3}(?:[ \u202f\u00a0]\d{3}(?![\d,]?\d))+(?:\.\d+)?(?![\d,])"
           r"|\d+(?:\.\d+)?(?:[eE][+-]?\d+(?![\w]))?"
           r"|\.\d+")
_TOKEN = re.compile(rf"(?P<num>{_NUMBER})|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)|(?P<sym>\S)")

# Digit runs that are dates, clock times, versions, IP or phone numbers: never numbers.
_BLOCKED = re.compile(
    r"(?<![\w.])\+?\d+(?:[./-]\d+){2,}(?![\d])"          # 5/17/2018, 192.168.1.2, 222-2222-2222
    r"|(?<![\w])\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"  # 10:30, 10:30 p.m.
    # URLs, e-mail addresses; the lookbehind starts an address only where its run of word
    # characters starts, else every position of a long run rescans it (quadratic).
    r"|(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.]+"
    r"|\b\d{4}\s*[-–/]\s*\d{2}(?!\d)(?!\s*(?:%|per))"      # fiscal years 2013-14, 2020/21
)


# Thousands separators: comma, space, thin and no-break space ("1 234 567").
_GROUPING = re.compile(r"[, \u202f\u00a0]")


@dataclass(slots=True)
class Tok:
    """One token of the scanner: its text, offsets and shape."""

    text: str
    lower: str
    start: int
    end: int
    kind: str  # "num" | "word" | "sym"
    glued: bool  # no space between this token and the previous one
    blocked: bool = False


def tokenize(text: str) -> list[Tok]:
    """Tokens of ``text``; those inside dates, times, URLs and phone numbers are blocked."""
    blocked = [(m.start(), m.end()) for m in _BLOCKED.finditer(text)] if text else []
    toks: list[Tok] = []
    prev_end = -1
    b = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "sym"
        start, end = m.start(), m.end()
        tok = Tok(m.group(), m.group().lower(), start, end, kind, start == prev_end)
        while b < len(blocked) and blocked[b][1] <= start:
            b += 1
        if b < len(blocked) and blocked[b][0] < end:
            tok.blocked = True
        toks.append(tok)
        prev_end = end
    return toks


_SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹−", "-0123456789-")
_POWER_PARTS = re.compile(r"([\d.]+)(?:[x×](\d+))?\^?([-+]*)(\d+)")


def number_value(text: str) -> float:
    """The value of a digit token ("1,234.5" -> 1234.5, "1.3x10^6" -> 1300000)."""
    if "^" in text or "x" in text or "×" in text:
        m = _POWER_PARTS.fullmatch(text.translate(_SUPERSCRIPT).replace("x10-", "x10^-")
                                   .replace("×10-", "×10^-"))
        if m is not None:
            mantissa, base, signs, exponent = m.groups()
            power = float(exponent) * (-1 if signs.count("-") % 2 else 1)
            if base is None:
                return float(mantissa) ** power
            return float(mantissa) * float(base) ** power
    return float(_GROUPING.sub("", text))
