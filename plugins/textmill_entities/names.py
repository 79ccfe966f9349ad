"""Name forms without spaCy: alias tables, title/possessive trimming, keys and initialisms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from textmill import DataLine, data_file, read_data_file

#: Labels of the OntoNotes scheme that en_core_web_* models predict.
KNOWN_LABELS = frozenset({
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
#: Numeric labels: left to the `numbers` step, never entities.
NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL",
                            "CARDINAL"})
#: Labels whose bare one-word mentions may be a surname or given name of a PERSON cluster
#: (the model often tags a lone surname ORG or PRODUCT).
PARTIAL_LABELS = frozenset({"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "FAC"})
#: Labels of places; one of these is a surname only when it is no known place (places.txt).
PLACE_LABELS = frozenset({"GPE", "LOC"})
#: Small words skipped when an initialism is computed ("Bank of England" -> "BE"/"BOE").
SMALL_WORDS = frozenset({"of", "the", "and", "for", "on", "in", "at", "to", "de", "&"})

_WS = re.compile(r"\s+")
_ABBREV_END = re.compile(r"(?:\b[A-Z]\.){2,}$|\b(?:Jr|Sr|Inc|Co|Corp|Ltd|St|Bros|Mt|Ft)\.$")
_TRAIL = re.compile(r"(?:['’]s|(?<=s)['’]|[-–—][a-z][\w’']*|[^\w.)]+|\s+[a-z][\w’'-]*)$")
_PARTICLES = "de|da|di|du|del|della|der|den|van|von|ter|le|la|al|el|bin|ibn|ben|dos|das|st"
# Leading punctuation (not a bracket closed inside the span), or a lowercase word ("former",
# "the") that is not a name particle.
_LEAD = re.compile(rf"^(?:[^\w(]+|\((?![^)]*\))"
                   rf"|(?!(?:{_PARTICLES})\s)(?:[a-z][a-z’'-]*|The|A|An)\s+)")
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z][A-Z&]{1,6}$")


@dataclass(frozen=True)
class Senses:
    """The senses of one ambiguous place name (data/place_senses.tsv)."""

    #: Any cue of any sense, as a whole word, longest first.
    pattern: re.Pattern[str]
    #: Cue -> the key suffix of its sense.
    sense_of: dict[str, str]
    #: Key suffixes in file order.
    suffixes: tuple[str, ...]


@dataclass(frozen=True)
class Tables:
    """The plugin's data files, loaded once."""

    titles: frozenset[str]
    modifiers: frozenset[str]
    aliases: dict[str, str]
    demonyms: dict[str, str]
    places: frozenset[str]
    org_generic: frozenset[str]
    title_prefix: re.Pattern[str]
    honorific_prefix: re.Pattern[str]
    #: Place names that name several places, with the cues of each sense.
    senses: dict[str, Senses]


def _read(name: str, *, sep: str | None, columns: int | None = None) -> list[DataLine]:
    """Content lines of ``data/<name>``; a malformed line is a DataFileError naming file:line."""
    return read_data_file(data_file(__package__, "data", name), sep=sep, columns=columns,
                          name=f"{__package__}/data/{name}")


def _lines(name: str) -> list[str]:
    return [ln.fields[0] for ln in _read(name, sep=None)]


def _pairs(name: str) -> dict[str, str]:
    """A 'form<TAB>canonical' table."""
    return {norm_key(ln.fields[0]): ln.fields[1] for ln in _read(name, sep="\t", columns=2)}


def senses(lines: list[DataLine]) -> dict[str, Senses]:
    """A 'place<TAB>key suffix<TAB>cue | cue | ...' table: at least two senses per place.

    Raises:
        DataFileError: a malformed line, naming its file and line.
    """
    table: dict[str, list[tuple[str, list[str]]]] = {}
    first: dict[str, DataLine] = {}
    for ln in lines:
        place, suffix, cues = ln.fields
        words = [c.strip() for c in cues.split("|")]
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", suffix):
            raise ln.error(f"key suffix {suffix!r} must be lowercase words joined by '-'")
        if not all(words):
            raise ln.error("empty cue; expected cues separated by ' | '")
        listed = table.setdefault(norm_key(place), [])
        for other, cues_before in listed:
            if other == suffix:
                raise ln.error(f"sense {suffix!r} of {place!r} is listed twice")
            if set(words) & set(cues_before):
                both = sorted(set(words) & set(cues_before))[0]
                raise ln.error(f"cue {both!r} is listed for senses {other!r} and {suffix!r}")
        listed.append((suffix, words))
        first.setdefault(norm_key(place), ln)
    out = {}
    for place, listed in table.items():
        if len(listed) < 2:
            raise first[place].error(f"{place!r} has one sense; list at least two. Hint: a "
                                     "place with one sense needs no line")
        sense_of = {cue: suffix for suffix, cues in listed for cue in cues}
        pattern = re.compile(rf"(?<!\w)(?:{_alternation(set(sense_of))})(?!\w)")
        out[place] = Senses(pattern, sense_of, tuple(suffix for suffix, _ in listed))
    return out


def _alternation(words: set[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def tables() -> Tables:
    """Load titles, title modifiers, aliases, demonyms, places and place senses from ``data/``."""
    titles = frozenset(_lines("titles.txt"))
    modifiers = frozenset(_lines("title_modifiers.txt"))
    demonyms = _pairs("demonyms.tsv")
    aliases = _pairs("aliases.tsv")
    places = frozenset(norm_key(p) for p in _lines("places.txt")) | frozenset(demonyms.values())
    lead = _alternation(set(modifiers) | set(demonyms)) + r"|[A-Z]{2,6}"
    # "Ukrainian Defense Minister ", "NATO Secretary-General ", "Mr. ": modifiers, a demonym or
    # an acronym, then one title head, then more name.
    title_prefix = re.compile(rf"^(?:(?:{lead})\s+)*(?:{_alternation(set(titles))})\s+(?=\S)")
    abbreviations = {t for t in titles if t.endswith(".")}
    honorific_prefix = re.compile(rf"^(?:{_alternation(abbreviations)})\s+(?=\S)")
    return Tables(titles, modifiers, aliases, demonyms, places,
                  frozenset(_lines("org_generic.txt")), title_prefix, honorific_prefix,
                  senses(_read("place_senses.tsv", sep="\t", columns=3)))


def norm_key(text: str) -> str:
    """Comparison key of a name: single spaces, straight apostrophes."""
    return _WS.sub(" ", text.replace("’", "'").replace("‘", "'")).strip()


def is_acronym(key: str) -> bool:
    """'UN', 'U.S.', 'NATO' — short all-capital forms that may abbreviate a longer name."""
    return bool(_ACRONYM.match(key))


def acronym_key(key: str) -> str:
    """'U.S.' -> 'US'."""
    return key.replace(".", "").replace(" ", "").upper()


@lru_cache(maxsize=4096)
def initialisms(key: str) -> frozenset[str]:
    """Initialisms a multi-word name may be abbreviated to ('United Nations' -> {'UN'})."""
    words = [w for w in re.split(r"[\s-]+", key) if w]
    if len(words) < 2:
        return frozenset()
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    if len(content) < 2 or not all(w[:1].isupper() for w in content):
        return frozenset()
    out = {"".join(w[0] for w in content).upper()}
    out.add("".join(w[0] for w in words if w != "&").upper())
    return frozenset(a for a in out if len(a) >= 2)


def is_title_phrase(key: str, t: Tables) -> bool:
    """True when every word is a title head or modifier ('Defense', 'Prime Minister')."""
    words = key.split(" ")
    return all(w in t.titles or w in t.modifiers for w in words)


def trim_span(text: str, start: int, end: int, *, person: bool,
              t: Tables | None = None) -> tuple[int, int]:
    """Shrink ``text[start:end]`` to the name proper.

    Drops leading determiners, lowercase words and punctuation, titles (all of them for a
    PERSON, only abbreviated honorifics such as "Mr." otherwise, since "General Motors" is a
    name), and trailing possessives ("North Korea’s"), punctuation and lowercase words
    ("Kursk region"). Returns ``(start, end)``, possibly empty (``start >= end``).

    Args:
        text: the whole document text; offsets index it.
        start, end: the span to trim.
        person: whether the span is a person's name.
        t: the tables (loaded when omitted).
    """
    t = t or tables()
    prefix = t.title_prefix if person else t.honorific_prefix
    while start < end:
        span = text[start:end]
        m = _LEAD.match(span) or prefix.match(span)
        if m is None or m.end() >= len(span):
            break
        start += m.end()
    while start < end:
        span = text[start:end]
        if (span.endswith(".") and not _ABBREV_END.search(span)) or (
                span.endswith(")") and "(" not in span):
            end -= 1
            continue
        m = _TRAIL.search(span)
        if m is None or m.start() == 0:
            break
        end = start + m.start()
    return start, end
