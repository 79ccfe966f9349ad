"""The curated cue lexicon (speech, belief, intent and evidence verbs), loaded from data files."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

CLASSES = ("speech", "topic", "belief", "intent", "evidence")
#: Dependents that carry content: clauses, a direct object ("cited the report"), an object
#: with its predicative ("oprd": "called the plan a disaster"), or the object of a
#: preposition ("for": "called for a ban", "to": "pointed to the figures", "about": "spoke
#: about the need for housing", "of", "on", "against": "warned against cuts").
COMPLEMENTS = frozenset({"ccomp", "xcomp", "dobj", "oprd", "for", "to", "about", "of", "on",
                         "against"})


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue lemma: its class and which clausal dependents carry the content."""

    lemma: str
    cls: str
    complements: frozenset[str]


def parse_cues(text: str, *, source: str = "cues.tsv") -> dict[str, Cue]:
    """Parse the tab-separated cue table; raise ValueError naming the bad line."""
    cues: dict[str, Cue] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in CLASSES:
            raise ValueError(f"{source}:{number}: expected 'lemma<TAB>class<TAB>complements' "
                             f"with class in {CLASSES}, got {line!r}")
        comps = frozenset(c.strip() for c in parts[2].split(",") if c.strip())
        unknown = comps - COMPLEMENTS
        if unknown:
            raise ValueError(f"{source}:{number}: unknown complement {sorted(unknown)[0]!r}; "
                             f"expected one of {sorted(COMPLEMENTS)}")
        cues[parts[0]] = Cue(parts[0], parts[1], comps)
    return cues


@cache
def load_words(name: str) -> frozenset[str]:
    """A one-word-per-line data file of the plugin (comments with #) as a set."""
    text = resources.files("textmill_quotes").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines()
                     if w.strip() and not w.startswith("#"))


def load_cues() -> dict[str, Cue]:
    """The shipped cue lexicon."""
    path = resources.files("textmill_quotes").joinpath("data", "cues.tsv")
    return parse_cues(path.read_text(encoding="utf-8"))
