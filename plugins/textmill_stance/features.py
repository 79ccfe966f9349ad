"""Target-aware sparse features for the linear scorer (shared by training and run time)."""

from __future__ import annotations

from .items import Item
from .lexicon import SUBJECT_DEPS, Lexicons, _is_negated, evaluate_toward, sentence_facts

WINDOW = 6
ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
QUOTES = frozenset({"\"", "“", "”"})
KEPT_PUNCT = frozenset({"!", "?"}) | QUOTES


def _word(tok: object) -> str:
    if tok.like_num:  # type: ignore[attr-defined]
        return "<num>"
    return tok.lemma_.lower()  # type: ignore[attr-defined]


def features(item: Item, lex: Lexicons) -> dict[str, float]:
    """Feature name -> value: words around the masked target, its dependency path, lexicon cues."""
    sent, target = item.sent, item.target
    root = target.root
    inside = range(target.start, target.end)
    holder = range(item.holder.start, item.holder.end) if item.holder is not None else range(0)
    words = []
    facts = sentence_facts(sent, lex)
    for i, lower, lemma, ent, iob, punct, num, _ in facts:
        if i in inside:
            if i == target.start:
                words.append("<T>")
        elif i in holder:
            if i == holder.start:
                words.append("<H>")
        elif ent in ENTITY_TYPES:
            if iob != "I":
                words.append("<E>")
        elif not punct or lower in KEPT_PUNCT:
            words.append("<num>" if num else lemma)
    f: dict[str, float] = {"bias": 1.0}
    for w in words:
        f["u:" + w] = 1.0
    for a, b in zip(words, words[1:], strict=False):
        f[f"b:{a}_{b}"] = 1.0
    t = words.index("<T>") if "<T>" in words else 0
    for d in range(1, WINDOW + 1):
        if t - d >= 0:
            f["l:" + words[t - d]] = 1.0
        if t + d < len(words):
            f["r:" + words[t + d]] = 1.0
    f["dep:" + root.dep_] = 1.0
    head = root
    for n, anc in enumerate(root.ancestors):
        if n >= 3:
            break
        f[f"p{n}:{head.dep_}>{_word(anc)}"] = 1.0
        f["p:" + _word(anc)] = 1.0
        if n == 0 and _is_negated(anc, lex):
            f["p0neg"] = 1.0
        head = anc
    for child in root.children:
        if child.dep_ in ("amod", "compound", "appos", "acl", "relcl") and child.i not in inside:
            f["m:" + _word(child)] = 1.0
    raw = evaluate_toward(item, lex)
    f["lex+"] = max(raw, 0.0)
    f["lex-"] = max(-raw, 0.0)
    f["subj"] = 1.0 if root.dep_ in SUBJECT_DEPS else 0.0
    pos = neg = 0.0
    for _, lower, *_ in facts:
        v = lex.valence.get(lower, 0.0)
        pos, neg = pos + max(v, 0.0), neg + max(-v, 0.0)
    f["sent+"], f["sent-"] = pos, neg
    f["quote"] = 1.0 if any(fact[1] in QUOTES for fact in facts) else 0.0
    return f
