"""Lexicons (data files) and the fast lexicon + dependency scorer."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .items import Item, Scored, label_of
from .tree import Tree, clear_trees, tree_of

#: Grammatical relations through which a word evaluates its object or complement.
OBJECT_DEPS = frozenset({"dobj", "pobj", "prep", "xcomp", "ccomp", "attr", "oprd", "dative",
                         "acomp", "nsubjpass", "conj", "appos", "compound", "poss", "amod"})
SUBJECT_DEPS = frozenset({"nsubj", "csubj", "expl"})


@dataclass(frozen=True)
class Lexicons:
    """Word polarities (VADER, scaled to [-1, 1]), support/oppose words, negators, contrast,
    and verbs that reverse the support/oppose word they govern."""

    valence: dict[str, float]
    relations: dict[str, float]
    negations: frozenset[str]
    contrast: frozenset[str]
    reversers: frozenset[str] = frozenset()

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
                    contrast=frozenset(_lines("contrast.txt")),
                    reversers=frozenset(_lines("reversers.txt")))


#: Polarity by (lower, lemma), per Lexicons (held by load_lexicons' cache, so ids stay valid).
_POLARITY: dict[int, dict[tuple[str, str], float]] = {}


def sentence_facts(sent: object, lex: Lexicons
                   ) -> list[tuple[int, str, str, str, str, bool, bool, float]]:
    """(i, lower, lemma, ent_type, ent_iob, is_punct, like_num, polarity) per token: reading
    them once per sentence, not once per target, keeps the scorers cheap."""
    tree = tree_of(sent.doc)  # type: ignore[attr-defined]
    key = ("facts", sent.start, sent.end)  # type: ignore[attr-defined]
    facts = tree.cache.get(key)
    if facts is None:
        lowers, lemmas, alpha = tree.lower, tree.lemma, tree.alpha
        known = _POLARITY.setdefault(id(lex), {})
        facts = []
        for i in range(sent.start, sent.end):  # type: ignore[attr-defined]
            lower, lemma = lowers[i], lemmas[i]
            polarity = 0.0
            if alpha[i]:
                polarity = known.get((lower, lemma), None)  # type: ignore[assignment]
                if polarity is None:
                    polarity = known[lower, lemma] = lex.polarity(lower, lemma)
            facts.append((i, lower, lemma, tree.ent_type[i], tree.ent_iob[i], tree.punct[i],
                          tree.num[i], polarity))
        tree.cache[key] = facts
    return facts


def clear_sentence_cache() -> None:
    """Forget cached documents and their sentences (memory only)."""
    clear_trees()


def _is_negated(tok: object, lex: Lexicons) -> bool:
    """True when ``tok`` or its head has a negation child, or a negator precedes it closely."""
    return tree_of(tok.doc).negated(tok.i, lex.negations)  # type: ignore[attr-defined]


def _distance(tree: Tree, a: int, b: int) -> int:
    """Length of the dependency path between two tokens of one sentence."""
    up_a = {t: n for n, t in enumerate([a, *tree.ancestors(a)])}
    for n, t in enumerate([b, *tree.ancestors(b)]):
        if t in up_a:
            return n + up_a[t]
    return 12


def evaluate_toward(item: Item, lex: Lexicons) -> float:
    """Raw polarity of the sentence toward the target: a sum of word polarities weighted by
    dependency distance, with negation, contrast, and support/oppose words aimed at the target."""
    sent, target = item.sent, item.target
    tree = tree_of(sent.doc)
    root = tree.root(target)
    skip = set(range(target.start, target.end))
    if item.holder is not None:
        skip |= set(range(item.holder.start, item.holder.end))
    up = tree.ancestors(root)
    ancestors = set(up)
    facts = sentence_facts(sent, lex)
    contrast_at = [f[0] for f in facts if f[1] in lex.contrast]
    total = 0.0
    for i, *_, value in facts:
        if value == 0.0 or i in skip:
            continue
        weight = 1.0 / (1.0 + _distance(tree, i, root))
        if i in ancestors:
            # The target is governed by this word: as its object it is evaluated directly,
            # as its subject it is the one acting (an accuser is not thereby accused).
            path = [t for t in up if t != i and tree.is_ancestor(i, t)]
            first = path[-1] if path else root
            weight = 1.0 if tree.dep[first] not in SUBJECT_DEPS else 0.35
            if tree.lemma[i] in lex.relations and tree.dep[first] in SUBJECT_DEPS:
                weight = 0.15
        elif tree.is_ancestor(root, i):
            weight = max(weight, 0.7)  # modifiers of the target ("corrupt Trump")
        if tree.negated(i, lex.negations):
            value = -0.8 * value
        for c in contrast_at:
            # After a contrast marker the clause counts more, before it less.
            if (c < i) == (c < root):
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
        out = []
        for item in items:
            s = math.tanh(evaluate_toward(item, self.lex) / self.scale)
            out.append(Scored(s, label_of(s, self.neutral_band)))
        clear_sentence_cache()
        return out
