"""Who holds a stance toward whom, read off the dependency tree of one sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .tree import Tree, tree_of

if TYPE_CHECKING:
    from spacy.tokens import Span

#: Clauses that share their governor's subject ("summoned X to demand Y", "met and praised").
SHARED_SUBJECT = frozenset({"xcomp", "advcl", "conj", "pcomp"})
SUBJECTS = frozenset({"nsubj", "csubj"})
#: Relations a holder's head word can have: subject, possessor, agent, owner of the subject.
HOLDER_DEPS = frozenset({"nsubj", "csubj", "poss", "pobj", "compound", "appos"})
OBJECTS = frozenset({"dobj", "pobj", "prep", "xcomp", "ccomp", "attr", "dative", "oprd",
                     "nsubjpass", "compound", "amod", "poss", "conj", "appos", "acl"})


def _inside(tok: int, span: Span) -> bool:
    return span.start <= tok < span.end


def _subjects(tree: Tree, verb: int) -> list[int]:
    """The subjects of ``verb``, inherited from its governor for subject-less clauses."""
    seen = 0
    dep, children = tree.dep, tree.children
    while seen < 4:
        found = [c for c in children(verb) if dep[c] in SUBJECTS]
        if found:
            return found
        if dep[verb] not in SHARED_SUBJECT or tree.head[verb] == verb:
            return []
        verb, seen = tree.head[verb], seen + 1
    return []


def _agents(tree: Tree, verb: int) -> list[int]:
    """The 'by' agents of a passive verb."""
    dep, children = tree.dep, tree.children
    return [g for c in children(verb) if dep[c] == "agent" for g in children(c)
            if dep[g] == "pobj"]


def _holds(tree: Tree, candidate: int, holder: Span) -> bool:
    """True when ``candidate`` is the holder, or a group the holder owns ("Seoul's officials")."""
    if _inside(candidate, holder):
        return True
    dep = tree.dep
    return any(dep[c] in ("poss", "compound") and _inside(c, holder)
               for c in tree.children(candidate))


def link(holder: Span, target: Span) -> str | None:
    """How ``holder`` evaluates ``target`` in their sentence: 'subject' (X condemned Y),
    'agent' (Y was praised by X), 'possessor' (X's alliance with Y), or None."""
    tree = tree_of(holder.doc)
    dep, pos, children = tree.dep, tree.pos, tree.children
    if dep[tree.root(holder)] not in HOLDER_DEPS or _overlap(holder, target):
        return None  # cheap test first: most mention pairs of a sentence are no link
    if tree.sent_of(holder.start, holder.end) != tree.sent_of(target.start, target.end):
        return None
    root = tree.root(target)
    for anc in tree.ancestors(root):
        if _inside(anc, holder):
            return None
        if pos[anc] in ("VERB", "AUX") or any(dep[c] in SUBJECTS for c in children(anc)):
            for subj in _subjects(tree, anc):
                if _holds(tree, subj, holder) and not tree.is_ancestor(subj, root):
                    return "subject"
            if any(_holds(tree, a, holder) for a in _agents(tree, anc)):
                return "agent"
            if _noun_before_infinitive(tree, anc, holder):
                return "possessor"
        if pos[anc] in ("NOUN", "PROPN"):
            if any(dep[c] == "poss" and _inside(c, holder) for c in children(anc)):
                return "possessor"
    return None


def relation_polarity(holder: Span, target: Span, relations: dict[str, float],
                      negations: frozenset[str]) -> float:
    """Sum of the support/oppose words on the path from the target up to the holder's
    predicate ("summoned ... to demand the withdrawal of Y": -1.0), negation flipping each."""
    tree = tree_of(target.doc)
    dep, lower, children = tree.dep, tree.lower, tree.children
    total = 0.0
    child = root = tree.root(target)
    hroot = tree.root(holder)
    for anc in tree.ancestors(root):
        if _inside(anc, holder):
            break
        # Only a word whose object or complement leads to the target evaluates it.
        value = relations.get(tree.lemma[anc], 0.0) if dep[child] in OBJECTS else 0.0
        child = anc
        if value and any(dep[c] == "neg" or lower[c] in negations for c in children(anc)):
            value = -value
        total += value
        if tree.is_ancestor(hroot, anc) or tree.is_ancestor(anc, hroot):
            if any(c == hroot or _holds(tree, c, holder) for c in children(anc)):
                break
    return max(-1.0, min(1.0, total))


def _noun_before_infinitive(tree: Tree, verb: int, holder: Span) -> bool:
    """"X's preparations to ratify a treaty with Y": the parser often hangs the infinitive on
    the main verb; the possessed noun right before it is still the one that acts."""
    dep = tree.dep
    if dep[verb] not in ("advcl", "xcomp", "acl") or not any(
            dep[c] == "aux" and tree.lower[c] == "to" for c in tree.children(verb)):
        return False
    i = tree.doc[verb].left_edge.i - 1
    if i < tree.sent_start[verb]:
        return False
    # "summoned X's ambassador to demand ...": an object does not act.
    return tree.pos[i] == "NOUN" and dep[i] != "dobj" and any(
        dep[c] == "poss" and _inside(c, holder) for c in tree.children(i))


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def clause(holder: Span, target: Span) -> tuple[int, int]:
    """Character extent of the evidence for a holder-target link: from the first to the last
    token of the smallest subtree covering both."""
    tree = tree_of(target.doc)
    doc = tree.doc
    top = tree.root(target)
    hroot = tree.root(holder)
    for anc in tree.ancestors(top):
        top = anc
        if tree.is_ancestor(anc, hroot) or anc == hroot:
            break
    tok = doc[top]
    start = min(tok.left_edge.idx, holder.start_char)
    last = max(tok.right_edge, holder[-1], key=lambda t: t.i)
    sent_end = tree.sent_of(target.start, target.end)[1] - 1
    if tree.punct[sent_end] and last.i + 1 == sent_end:
        last = doc[sent_end]
    return start, last.idx + len(last.text)
