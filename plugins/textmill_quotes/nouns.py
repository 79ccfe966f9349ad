"""Reported speech on a noun or a predicate adjective: "his claim that ...", "her decision to
...", "is confident that ...", "has been critical of X"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .clauses import Attribution, pruned, token_ranges
from .lexicon import Cue
from .subjects import SUBJECTS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: Verbs that make their subject the one who holds a noun of saying: "made the claim that",
#: "repeated her warning that" (not "rejected the claim that": that is someone else's).
_LIGHT_VERBS = frozenset({"make", "express", "voice", "repeat", "reiterate", "issue", "raise",
                          "offer", "give", "echo", "share", "air", "renew", "deliver",
                          "put", "level", "stand"})
_MAX_CLAUSE_TOKENS = 200
#: Adjectives whose "to"-infinitive says nothing of the subject's mind: "the weather is sure
#: to improve" (only "sure that ..." or "sure of/about ..." is a belief).
_RAISING = frozenset({"sure", "certain"})


def noun_attribution(doc: Doc, tok: Token, cues: dict[str, Cue], *, that: bool,
                     to: bool) -> Attribution | None:
    """The attribution of a noun cue with a recoverable holder and a "that"-clause ("his
    claim that ...", when ``that``) or a "to"-infinitive ("her decision to ...", when
    ``to``), or None."""
    clause = next((c for c in tok.rights if c.dep_ in ("acl", "ccomp") and (
        (that and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children))
        or (to and c.tag_ == "VB" and any(m.dep_ == "aux" and m.lower_ == "to"
                                          for m in c.children)))), None)
    if clause is None or clause.right_edge.i - clause.left_edge.i >= _MAX_CLAUSE_TOKENS:
        return None
    speaker = _holder(tok)
    if speaker is None:
        return None
    indices = pruned(clause, {t.i for t in clause.subtree}, cues)
    if len(indices) < 3:
        return None
    spans = token_ranges(doc, indices)
    if not spans:
        return None
    att = Attribution("indirect", spans, (tok.idx, tok.idx + len(tok), tok.lemma_.lower()),
                      cue_token=tok.i)
    att.set_speaker(speaker)
    return att


def _holder(tok: Token) -> Token | None:
    """Whose claim it is: the possessor, a light verb's subject, or the object of by/from."""
    for child in tok.children:
        if child.dep_ == "poss":
            return child
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            obj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ in ("PROPN", "NOUN", "PRON"):
                return obj
    verb = tok.head
    if tok.dep_ == "dobj" and verb.lemma_ in _LIGHT_VERBS:
        subject = next((c for c in verb.children if c.dep_ in SUBJECTS
                        and c.dep_ != "nsubjpass"), None)
        if subject is not None and subject.lower_ not in ("it", "there"):
            return subject
    return None


def adjective_attribution(doc: Doc, tok: Token, cues: dict[str, Cue]) -> Attribution | None:
    """The attribution of a predicate adjective ("X is confident that ...", "X has been
    critical of Y") with the copula's subject as speaker, or None."""
    verb = tok.head
    if tok.dep_ != "acomp" or verb.i == tok.i:
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lower_ in ("it", "there"):
        return None
    content: Token | None = None
    for child in tok.rights:
        if child.dep_ == "ccomp" or (child.dep_ == "xcomp" and tok.lemma_ not in _RAISING):
            content = child
        elif child.dep_ == "prep" and child.lower_ in ("of", "about"):
            content = next((g for g in child.children if g.dep_ in ("pobj", "pcomp")), None)
        if content is not None:
            break
    if content is None or content.right_edge.i - content.left_edge.i >= _MAX_CLAUSE_TOKENS:
        return None
    indices = pruned(content, {t.i for t in content.subtree}, cues)
    named = len(indices) == 1 and doc[indices[0]].pos_ == "PROPN"  # "critical of Trump"
    if len(indices) < 3 and not named:
        return None
    spans = token_ranges(doc, indices)
    if not spans:
        return None
    att = Attribution("indirect", spans, (tok.idx, tok.idx + len(tok), tok.lemma_.lower()),
                      cls="belief", cue_token=tok.i)
    att.set_speaker(subject)
    return att
