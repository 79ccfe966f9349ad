"""Who holds a stance toward whom, read off the dependency tree of one sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

#: Clauses that share their governor's subject ("summoned X to demand Y", "met and praised").
SHARED_SUBJECT = frozenset({"xcomp", "advcl", "conj", "pcomp"})
SUBJECTS = frozenset({"nsubj", "csubj"})
#: Relations a holder's head word can have: subject, possessor, agent, owner of the subject.
HOLDER_DEPS = frozenset({"nsubj", "csubj", "poss", "pobj", "compound", "appos"})
OBJECTS = frozenset({"dobj", "pobj", "prep", "xcomp", "ccomp", "attr", "dative", "oprd",
                     "nsubjpass", "compound", "amod", "poss", "conj", "appos", "acl"})


def _inside(tok: Token, span: Span) -> bool:
    return span.start <= tok.i < span.end


def _subjects(verb: Token) -> list[Token]:
    """The subjects of ``verb``, inherited from its governor for subject-less clauses."""
    seen = 0
    while seen < 4:
        found = [c for c in verb.children if c.dep_ in SUBJECTS]
        if found:
            return found
        if verb.dep_ not in SHARED_SUBJECT or verb.head is verb:
            return []
        verb, seen = verb.head, seen + 1
    return []


def _agents(verb: Token) -> list[Token]:
    """The 'by' agents of a passive verb."""
    return [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]


def _holds(candidate: Token, holder: Span) -> bool:
    """True when ``candidate`` is the holder, or a group the holder owns ("Seoul's officials")."""
    if _inside(candidate, holder):
        return True
    return any(c.dep_ in ("poss", "compound") and _inside(c, holder) for c in candidate.children)


def link(holder: Span, target: Span) -> str | None:
    """How ``holder`` evaluates ``target`` in their sentence: 'subject' (X condemned Y),
    'agent' (Y was praised by X), 'possessor' (X's alliance with Y), or None."""
    if holder.root.dep_ not in HOLDER_DEPS or _overlap(holder, target):
        return None  # cheap test first: most mention pairs of a sentence are no link
    if holder.sent != target.sent:
        return None
    root = target.root
    for anc in root.ancestors:
        if _inside(anc, holder):
            return None
        if anc.pos_ in ("VERB", "AUX") or any(c.dep_ in SUBJECTS for c in anc.children):
            for subj in _subjects(anc):
                if _holds(subj, holder) and not subj.is_ancestor(root):
                    return "subject"
            if any(_holds(a, holder) for a in _agents(anc)):
                return "agent"
            if _noun_before_infinitive(anc, holder):
                return "possessor"
        if anc.pos_ in ("NOUN", "PROPN"):
            if any(c.dep_ == "poss" and _inside(c, holder) for c in anc.children):
                return "possessor"
    return None


def relation_polarity(holder: Span, target: Span, relations: dict[str, float],
                      negations: frozenset[str]) -> float:
    """Sum of the support/oppose words on the path from the target up to the holder's
    predicate ("summoned ... to demand the withdrawal of Y": -1.0), negation flipping each."""
    total = 0.0
    child = target.root
    for anc in target.root.ancestors:
        if _inside(anc, holder):
            break
        # Only a word whose object or complement leads to the target evaluates it.
        value = relations.get(anc.lemma_.lower(), 0.0) if child.dep_ in OBJECTS else 0.0
        child = anc
        if value and any(c.dep_ == "neg" or c.lower_ in negations for c in anc.children):
            value = -value
        total += value
        if holder.root.is_ancestor(anc) or anc.is_ancestor(holder.root):
            if any(c.i == holder.root.i or _holds(c, holder) for c in anc.children):
                break
    return max(-1.0, min(1.0, total))


def _noun_before_infinitive(verb: Token, holder: Span) -> bool:
    """"X's preparations to ratify a treaty with Y": the parser often hangs the infinitive on
    the main verb; the possessed noun right before it is still the one that acts."""
    if verb.dep_ not in ("advcl", "xcomp", "acl") or not any(
            c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return False
    i = verb.left_edge.i - 1
    if i < verb.sent.start:
        return False
    noun = verb.doc[i]
    # "summoned X's ambassador to demand ...": an object does not act.
    return noun.pos_ == "NOUN" and noun.dep_ != "dobj" and any(
        c.dep_ == "poss" and _inside(c, holder) for c in noun.children)


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def clause(holder: Span, target: Span) -> tuple[int, int]:
    """Character extent of the evidence for a holder-target link: from the first to the last
    token of the smallest subtree covering both."""
    root = target.root
    top = root
    for anc in root.ancestors:
        top = anc
        if anc.is_ancestor(holder.root) or anc.i == holder.root.i:
            break
    start = min(top.left_edge.idx, holder.start_char)
    last = max(top.right_edge, holder[-1], key=lambda t: t.i)
    sent_end = target.sent[-1]
    if sent_end.is_punct and last.i + 1 == sent_end.i:
        last = sent_end
    return start, last.idx + len(last.text)
