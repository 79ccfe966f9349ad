"""One document's tokens as plain Python lists (read once with ``Doc.to_array``), so that the
dependency walks of the stance rules cost list lookups, not spaCy Token objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

#: ``Token.ent_iob_`` by the integer ``Doc.to_array`` gives.
_IOB = ("", "I", "O", "B")


class Tree:
    """Heads, children, labels and flags of every token of one Doc, plus cached walks."""

    __slots__ = ("doc", "head", "dep", "pos", "lower", "lemma", "ent_type", "ent_iob", "punct",
                 "num", "alpha", "_kids", "_off", "_child_lists", "sent_start", "sent_end",
                 "_anc", "_anc_set", "_roots", "_negated", "cache")

    def __init__(self, doc: Doc) -> None:
        from spacy.attrs import (
            DEP,
            ENT_IOB,
            ENT_TYPE,
            HEAD,
            IS_ALPHA,
            IS_PUNCT,
            LEMMA,
            LIKE_NUM,
            LOWER,
            POS,
            SENT_START,
        )

        self.doc = doc
        n = len(doc)
        arr = doc.to_array([HEAD, DEP, POS, LEMMA, LOWER, ENT_TYPE, ENT_IOB, IS_PUNCT, LIKE_NUM,
                            IS_ALPHA, SENT_START])
        # HEAD is a signed offset stored as uint64: reinterpret it.
        offsets = np.ascontiguousarray(arr[:, 0]).view(np.int64)
        self.head: list[int] = (offsets + np.arange(n, dtype=np.int64)).tolist()
        strings = doc.vocab.strings

        def names(col: int, *, lower: bool = False) -> list[str]:
            # Look up each distinct hash once: a doc has far fewer labels than tokens.
            uniq, inverse = np.unique(arr[:, col], return_inverse=True)
            table = [strings[h].lower() if lower else strings[h] for h in uniq.tolist()]
            return [table[k] for k in inverse.tolist()]

        self.dep = names(1)
        self.pos = names(2)
        self.lemma = names(3, lower=True)
        self.lower = names(4)
        self.ent_type = names(5)
        self.ent_iob = [_IOB[k] for k in arr[:, 6].tolist()]
        self.punct = arr[:, 7].astype(bool).tolist()
        self.num = arr[:, 8].astype(bool).tolist()
        self.alpha = arr[:, 9].astype(bool).tolist()
        # Children in index order (as Token.children gives them), as slices of one list.
        heads = np.asarray(self.head, dtype=np.int64)
        idx = np.arange(n, dtype=np.int64)
        kids = idx[heads != idx]
        kid_heads = heads[kids]
        order = np.argsort(kid_heads, kind="stable")
        self._kids: list[int] = kids[order].tolist()
        self._off: list[int] = np.searchsorted(kid_heads[order], np.arange(n + 1)).tolist()
        self._child_lists: dict[int, list[int]] = {}
        # Sentence of each token, by the sent_start marks Span.sent reads.
        marks = arr[:, 10] == 1
        if n:
            marks[0] = True
        first = np.where(marks, idx, 0)
        self.sent_start: list[int] = np.maximum.accumulate(first).tolist() if n else []
        nxt = np.where(marks, idx, n)
        after = np.empty(n, dtype=np.int64)
        if n:
            after[:-1] = np.minimum.accumulate(nxt[:0:-1])[::-1]
            after[-1] = n
        self.sent_end: list[int] = after.tolist()
        self._anc: dict[int, list[int]] = {}
        self._anc_set: dict[int, frozenset[int]] = {}
        self._roots: dict[tuple[int, int], int] = {}
        self._negated: dict[int, bool] = {}
        #: Per-sentence values of the scorers, keyed by the caller (lives as long as the tree).
        self.cache: dict[tuple[str, int, int], Any] = {}

    def children(self, i: int) -> list[int]:
        """Token.children of token ``i`` as indices, in order."""
        out = self._child_lists.get(i)
        if out is None:
            out = self._child_lists[i] = self._kids[self._off[i]:self._off[i + 1]]
        return out

    def ancestors(self, i: int) -> list[int]:
        """Token.ancestors of token ``i`` as indices, nearest first."""
        out = self._anc.get(i)
        if out is None:
            out = []
            head = self.head
            j, k = i, 0
            while head[j] != j and k < len(head):
                j = head[j]
                out.append(j)
                k += 1
            self._anc[i] = out
        return out

    def is_ancestor(self, a: int, b: int) -> bool:
        """Token.is_ancestor: ``a`` governs ``b``."""
        s = self._anc_set.get(b)
        if s is None:
            s = self._anc_set[b] = frozenset(self.ancestors(b))
        return a in s

    def root(self, span: Span) -> int:
        """Index of ``span.root``."""
        key = (span.start, span.end)
        r = self._roots.get(key)
        if r is None:
            r = self._roots[key] = span.root.i
        return r

    def sent_of(self, start: int, end: int) -> tuple[int, int]:
        """Token bounds of ``doc[start:end].sent``."""
        return self.sent_start[start], self.sent_end[end - 1]

    def negated(self, i: int, negations: frozenset[str]) -> bool:
        """True when token ``i`` or its head has a negation child, or a negator precedes it
        closely (negations: the one packaged lexicon, so one cache per token)."""
        out = self._negated.get(i)
        if out is None:
            out = self._negated[i] = self._negated_now(i, negations)
        return out

    def _negated_now(self, i: int, negations: frozenset[str]) -> bool:
        dep, lower = self.dep, self.lower
        for t in (i, self.head[i]):
            if any(dep[c] == "neg" or lower[c] in negations for c in self.children(t)):
                return True
        first = max(self.sent_start[i], i - 3)
        return any(lower[j] in negations for j in range(first, i))


#: Trees of the documents in work, keyed by id (the Doc is held, so its id is not reused).
_TREES: dict[int, Tree] = {}
#: More cached trees than this are dropped (a caller that never clears stays bounded).
MAX_TREES = 256


def tree_of(doc: Doc) -> Tree:
    """The Tree of ``doc``, built once while cached."""
    tree = _TREES.get(id(doc))
    if tree is None or tree.doc is not doc:
        if len(_TREES) >= MAX_TREES:
            _TREES.clear()
        tree = _TREES[id(doc)] = Tree(doc)
    return tree


def clear_trees() -> None:
    """Forget cached trees (memory only: a cached tree holds its Doc)."""
    _TREES.clear()
