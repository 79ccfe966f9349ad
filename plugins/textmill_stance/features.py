"""Target-aware sparse features for the linear scorer (shared by training and run time)."""

from __future__ import annotations

from .items import Item
from .lexicon import SUBJECT_DEPS, Lexicons, evaluate_toward, sentence_facts
from .tree import Tree, tree_of

WINDOW = 6
ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
QUOTES = frozenset({"\"", "“", "”"})
KEPT_PUNCT = frozenset({"!", "?"}) | QUOTES


def _word(tree: Tree, i: int) -> str:
    return "<num>" if tree.num[i] else tree.lemma[i]


def _sentence(item: Item, lex: Lexicons) -> tuple[list[tuple[int, str | None]], float, float,
                                                    float]:
    """What every item of a sentence shares: the word each token shows when it is neither
    target nor holder (None: shows nothing), the summed positive and negative valence, and
    whether the sentence holds a quotation mark."""
    sent = item.sent
    tree = tree_of(sent.doc)
    key = ("words", sent.start, sent.end)
    out = tree.cache.get(key)
    if out is None:
        facts = sentence_facts(sent, lex)
        shown: list[tuple[int, str | None]] = []
        for i, lower, lemma, ent, iob, punct, num, _ in facts:
            if ent in ENTITY_TYPES:
                shown.append((i, "<E>" if iob != "I" else None))
            elif not punct or lower in KEPT_PUNCT:
                shown.append((i, "<num>" if num else lemma))
            else:
                shown.append((i, None))
        pos = neg = 0.0
        for _, lower, *_ in facts:
            v = lex.valence.get(lower, 0.0)
            pos, neg = pos + max(v, 0.0), neg + max(-v, 0.0)
        quote = 1.0 if any(fact[1] in QUOTES for fact in facts) else 0.0
        out = tree.cache[key] = (shown, pos, neg, quote)
    return out


def features(item: Item, lex: Lexicons) -> dict[str, float]:
    """Feature name -> value: words around the masked target, its dependency path, lexicon cues."""
    target = item.target
    tree = tree_of(target.doc)
    dep = tree.dep
    root = tree.root(target)
    t0, t1 = target.start, target.end
    h0, h1 = (item.holder.start, item.holder.end) if item.holder is not None else (0, 0)
    shown, pos, neg, quote = _sentence(item, lex)
    words = []
    for i, w in shown:
        if t0 <= i < t1:
            if i == t0:
                words.append("<T>")
        elif h0 <= i < h1:
            if i == h0:
                words.append("<H>")
        elif w is not None:
            words.append(w)
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
    f["dep:" + dep[root]] = 1.0
    head = root
    for n, anc in enumerate(tree.ancestors(root)):
        if n >= 3:
            break
        word = _word(tree, anc)
        f[f"p{n}:{dep[head]}>{word}"] = 1.0
        f["p:" + word] = 1.0
        if n == 0 and tree.negated(anc, lex.negations):
            f["p0neg"] = 1.0
        head = anc
    for child in tree.children(root):
        if dep[child] in ("amod", "compound", "appos", "acl", "relcl") and not t0 <= child < t1:
            f["m:" + _word(tree, child)] = 1.0
    raw = evaluate_toward(item, lex)
    f["lex+"] = max(raw, 0.0)
    f["lex-"] = max(-raw, 0.0)
    f["subj"] = 1.0 if dep[root] in SUBJECT_DEPS else 0.0
    f["sent+"], f["sent-"] = pos, neg
    f["quote"] = quote
    return f
