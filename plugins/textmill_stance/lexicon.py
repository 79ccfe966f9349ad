"""Lexicons (data files) and the fast lexicon + dependency scorer."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .items import Item, Scored, label_of

#: Grammatical relations through which a word evaluates its object or complement.
OBJECT_DEPS = frozenset({"dobj", "pobj", "prep", "xcomp", "ccomp", "attr", "oprd", "dative",
                         "acomp", "nsubjpass", "conj", "appos", "compound", "poss", "amod"})
SUBJECT_DEPS = frozenset({"nsubj", "csubj", "expl"})


@dataclass(frozen=True)
class Lexicons:
    """Word polarities (VADER, scaled to [-1, 1]), support/oppose words, negators, contrast."""

    valence: dict[str, float]
    relations: dict[str, float]
    negations: frozenset[str]
    contrast: frozenset[str]

    def polarity(self, lower: str, lemma: str) -> float:
        """Prior polarity of a word: relation words first, then the general lexicon."""
        for key in (lemma, lower):
            if key in self.relations:
                return self.relations[key]
        return self.valence.get(lower, self.valence.get(lemma, 0.0))


def _lines(name: str) -> list[str]:
    text = resources.files("textmill_stance").joinpath("data", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _table(name: str, scale: float = 1.0) -> dict[str, float]:
    out = {}
    for line in _lines(name):
        word, value = line.split("\t")[:2]
        out[word] = float(value) / scale
    return out


@cache
def load_lexicons() -> Lexicons:
    """The packaged lexicons (read once per process)."""
    return Lexicons(valence=_table("vader_lexicon.tsv", 4.0), relations=_table("relations.tsv"),
                    negations=frozenset(_lines("negations.txt")),
                    contrast=frozenset(_lines("contrast.txt")))


#: Per-sentence token facts, reused by every item of a sentence; cleared per scoring call.
_SENTENCES: dict[tuple[int, int, int], list[tuple[int, str, str, str, str, bool, bool, float]]] = {}


def sentence_facts(sent: object, lex: Lexicons
                   ) -> list[tuple[int, str, str, str, str, bool, bool, float]]:
    """(i, lower, lemma, ent_type, ent_iob, is_punct, like_num, polarity) per token: reading
    attributes once per sentence, not once per target, keeps the scorers cheap."""
    key = (id(sent.doc), sent.start, sent.end)  # type: ignore[attr-defined]
    facts = _SENTENCES.get(key)
    if facts is None:
        facts = []
        for tok in sent:  # type: ignore[attr-defined]
            lower, lemma = tok.lower_, tok.lemma_.lower()
            polarity = lex.polarity(lower, lemma) if tok.is_alpha else 0.0
            facts.append((tok.i, lower, lemma, tok.ent_type_, tok.ent_iob_, tok.is_punct,
                          tok.like_num, polarity))
        _SENTENCES[key] = facts
    return facts


def clear_sentence_cache() -> None:
    """Forget cached sentences (their Doc may be freed and its id reused)."""
    _SENTENCES.clear()


def _is_negated(tok: object, lex: Lexicons) -> bool:
    """True when ``tok`` or its head has a negation child, or a negator precedes it closely."""
    for t in (tok, tok.head):  # type: ignore[attr-defined]
        if any(c.dep_ == "neg" or c.lower_ in lex.negations for c in t.children):
            return True
    doc, i = tok.doc, tok.i  # type: ignore[attr-defined]
    first = max(tok.sent.start, i - 3)  # type: ignore[attr-defined]
    return any(doc[j].lower_ in lex.negations for j in range(first, i))


def _ancestors(tok: object) -> list[object]:
    return [tok, *tok.ancestors]  # type: ignore[attr-defined]


def _distance(a: object, b: object) -> int:
    """Length of the dependency path between two tokens of one sentence."""
    up_a = {t.i: n for n, t in enumerate(_ancestors(a))}  # type: ignore[attr-defined]
    for n, t in enumerate(_ancestors(b)):
        if t.i in up_a:  # type: ignore[attr-defined]
            return n + up_a[t.i]  # type: ignore[attr-defined]
    return 12


def evaluate_toward(item: Item, lex: Lexicons) -> float:
    """Raw polarity of the sentence toward the target: a sum of word polarities weighted by
    dependency distance, with negation, contrast, and support/oppose words aimed at the target."""
    sent, target = item.sent, item.target
    root = target.root
    skip = set(range(target.start, target.end))
    if item.holder is not None:
        skip |= set(range(item.holder.start, item.holder.end))
    ancestors = {t.i for t in root.ancestors}
    facts = sentence_facts(sent, lex)
    contrast_at = [f[0] for f in facts if f[1] in lex.contrast]
    total = 0.0
    doc = sent.doc
    for i, *_, value in facts:
        if value == 0.0 or i in skip:
            continue
        tok = doc[i]
        weight = 1.0 / (1.0 + _distance(tok, root))
        if tok.i in ancestors:
            # The target is governed by this word: as its object it is evaluated directly,
            # as its subject it is the one acting (an accuser is not thereby accused).
            path = [t for t in root.ancestors if t.i != tok.i and tok.is_ancestor(t)]
            first = path[-1] if path else root
            weight = 1.0 if first.dep_ not in SUBJECT_DEPS else 0.35
            if tok.lemma_.lower() in lex.relations and first.dep_ in SUBJECT_DEPS:
                weight = 0.15
        elif root.is_ancestor(tok):
            weight = max(weight, 0.7)  # modifiers of the target ("corrupt Trump")
        if _is_negated(tok, lex):
            value = -0.8 * value
        for c in contrast_at:
            # After a contrast marker the clause counts more, before it less.
            if (c < tok.i) == (c < root.i):
                weight *= 1.3
            else:
                weight *= 0.6
        total += weight * value
    return total


class LexiconScorer:
    """Fast, untrained: lexicon polarity aimed at the target through the dependency tree."""

    name = "lexicon"

    def __init__(self, *, scale: float = 0.5, neutral_band: float = 0.15) -> None:
        self.lex = load_lexicons()
        self.scale = scale
        self.neutral_band = neutral_band

    def score(self, items: Sequence[Item]) -> list[Scored]:
        """Score in [-1, 1] and label for each item."""
        clear_sentence_cache()
        out = []
        for item in items:
            s = math.tanh(evaluate_toward(item, self.lex) / self.scale)
            out.append(Scored(s, label_of(s, self.neutral_band)))
        clear_sentence_cache()
        return out
