"""The numbers step's lexicons, read once from the package's data files."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .tokens import tokenize


@dataclass(frozen=True, slots=True)
class Currency:
    """One way of writing a currency."""

    iso: str
    divisor: float
    prefix: bool
    suffix: bool


@dataclass(frozen=True, slots=True)
class Qualifier:
    """A hedge before a number ("about", "more than")."""

    phrase: str
    approximate: bool
    bound: str


@dataclass
class PhraseTable:
    """Multi-token phrases looked up by their first token; longest match first."""

    by_first: dict[str, list[tuple[tuple[str, ...], tuple[bool, ...], object]]] = field(
        default_factory=dict)

    def add(self, phrase: str, value: object, *, exact: bool) -> None:
        words = tuple(t.text if exact else t.lower for t in tokenize(phrase))
        if not words:
            return
        flags = tuple(exact for _ in words)
        key = words[0].lower()
        entries = self.by_first.setdefault(key, [])
        entries.append((words, flags, value))
        entries.sort(key=lambda e: -len(e[0]))


@dataclass
class Lexicon:
    """Everything the scanner looks words up in."""

    words: dict[str, tuple[str, float]]
    scales: dict[str, tuple[float, bool, bool]]  # suffix -> (multiplier, exact case, glued only)
    currencies: PhraseTable
    units: PhraseTable
    qualifiers: PhraseTable
    months: frozenset[str]
    identifier_heads: frozenset[str]
    change_verbs: frozenset[str]
    money_cues: frozenset[str]
    #: Qualifier phrases by their token tuple, for looking back from a number.
    hedges: dict[tuple[str, ...], Qualifier] = field(default_factory=dict)


def _lines(name: str) -> list[list[str]]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


def _number_words() -> dict[str, tuple[str, float]]:
    words = {w: (cls, float(v)) for w, cls, v in _lines("number_words.tsv")}
    units = {w: v for w, (c, v) in words.items() if c == "unit" and 0 < v < 10}
    tens = {w: v for w, (c, v) in words.items() if c == "tens"}
    ordinal_units = {w: v for w, (c, v) in words.items() if c == "ordinal" and v < 10}
    # Written-together compounds, as in "twentyfifth" and "thirtyone".
    for t, tv in tens.items():
        for u, uv in ordinal_units.items():
            words.setdefault(t + u, ("ordinal", tv + uv))
        for u, uv in units.items():
            words.setdefault(t + u, ("unit", tv + uv))
    return words


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Read the data files (cached per process)."""
    scales = {s: (float(m), case == "exact", where == "glued")
              for s, m, case, where in _lines("scales.tsv")}
    currencies = PhraseTable()
    for alias, iso, divisor, case, position in _lines("currencies.tsv"):
        cur = Currency(iso, float(divisor), position in ("prefix", "both"),
                       position in ("suffix", "both"))
        currencies.add(alias, cur, exact=case == "exact")
    units = PhraseTable()
    for row in _lines("units.tsv"):
        name, names = row[0], row[1]
        abbrs = row[2] if len(row) > 2 else ""
        for alias in filter(None, names.split("|")):
            units.add(alias, name, exact=False)
        for alias in filter(None, abbrs.split("|")):
            units.add(alias, name, exact=True)
    qualifiers = PhraseTable()
    hedges: dict[tuple[str, ...], Qualifier] = {}
    for phrase, approx, bound in _lines("qualifiers.tsv"):
        qual = Qualifier(phrase, approx == "1", bound)
        qualifiers.add(phrase, qual, exact=False)
        hedges[tuple(t.lower for t in tokenize(phrase))] = qual
    months = frozenset(r[0] for r in _lines("months.txt"))
    heads = frozenset(r[0] for r in _lines("identifier_heads.txt"))
    verbs = frozenset(r[0] for r in _lines("change_verbs.txt"))
    cues = frozenset(r[0] for r in _lines("money_cues.txt"))
    return Lexicon(_number_words(), scales, currencies, units, qualifiers, months, heads, verbs,
                   cues, hedges)
