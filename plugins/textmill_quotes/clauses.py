"""Read reported speech off the dependency parse: a cue token's content clause.

Speakers are found in subjects.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .lexicon import Cue
from .passives import agentless_passive, passive_agent
from .subjects import SUBJECTS as _SUBJECTS
from .subjects import speaker_range

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_MISATTACHED_REACH = 8
#: Tags of a cue verb that a bare or -ing conjunct cannot be coordinated with.
_FINITE_OR_PERFECT = ("VBD", "VBZ", "VBP", "VBN")
#: Widest subtree (tokens) a cue's content is read from. News sentences stay far below it
#: (the longest in the polnear dev set has 96 tokens); a parse spanning a whole repetitive
#: document would otherwise be walked once per cue: quadratic time (bugs-quotes.md #1).
_MAX_CLAUSE_TOKENS = 200
#: Dependents of a cue that belong to the reporting frame, not to what is reported.
_FRAME = ("aux", "auxpass", "neg", "npadvmod", "advmod", "punct", "agent", "dative", "cc")
#: Dependents of a content clause that start an attribution of their own.
_OWN_ATTRIBUTION = ("conj", "advcl", "parataxis")
#: Trailing modifiers set off by a comma, which reported content usually stops before: an
#: apposition (", the presumed favorite"). Trailing relative, participial and adverbial
#: clauses (", which ...", ", allowing ...", ", because ...") are part of what was reported.
_NON_RESTRICTIVE = ("appos",)


@dataclass(slots=True)
class Attribution:
    """An attribution under construction: character spans of content, speaker and cue."""

    kind: str
    spans: list[tuple[int, int]]
    cue: tuple[int, int, str] | None
    speaker: tuple[int, int] | None = None
    speaker_token: int | None = None
    cue_token: int | None = None
    cls: str = "speech"
    runs: list[int] = field(default_factory=list)
    #: an agentless passive report ("X has been criticized for Y"): no speaker, on purpose
    unnamed: bool = False

    def set_speaker(self, subject: Token) -> None:
        """Make ``subject``'s phrase (``speaker_range``) the speaker."""
        doc = subject.doc
        lo, hi = speaker_range(subject)
        self.speaker = (doc[lo].idx, doc[hi].idx + len(doc[hi]))
        self.speaker_token = subject.i

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


def token_ranges(doc: Doc, indices: list[int]) -> list[tuple[int, int]]:
    """Contiguous character ranges covering sorted token indices, punctuation trimmed."""
    ranges: list[tuple[int, int]] = []
    run: list[int] = []
    for i in indices:
        if run and i != run[-1] + 1:
            ranges.extend(_trimmed(doc, run))
            run = []
        run.append(i)
    if run:
        ranges.extend(_trimmed(doc, run))
    return ranges


def _trimmed(doc: Doc, run: list[int]) -> list[tuple[int, int]]:
    lo, hi = run[0], run[-1]
    while lo <= hi and (doc[lo].is_punct or doc[lo].is_space) and doc[lo].text not in "“\"":
        lo += 1
    while hi >= lo and (doc[hi].is_punct or doc[hi].is_space) and doc[hi].text not in "”\"":
        hi -= 1
    if hi < lo or not any(t.is_alpha or t.like_num for t in doc[lo:hi + 1]):
        return []
    return [(doc[lo].idx, doc[hi].idx + len(doc[hi]))]


def content_tokens(tok: Token, cue: Cue, cues: dict[str, Cue]) -> list[int]:
    """Token indices of the content clause governed by a cue verb (may be discontinuous)."""
    top = tok.head if tok.dep_ == "parataxis" else tok  # every walk below stays inside it
    if top.right_edge.i - top.left_edge.i >= _MAX_CLAUSE_TOKENS:  # O(1): no subtree walk
        return []
    children = list(tok.children)
    clauses = [c for c in children if c.dep_ == "ccomp" and "ccomp" in cue.complements]
    marked = [c for c in clauses if c.i > tok.i and any(
        m.dep_ == "mark" and m.lower_ == "that" for m in c.children)]
    if marked:  # "Claiming X, Trump told Fox that ...": the that-clause is what was told
        return pruned(marked[0], {t.i for t in marked[0].subtree}, cues)
    if clauses:  # "Though X was seamless, he said, replacing her would be ...": both halves
        others = [c for c in children if c.dep_ in ("ccomp", "parataxis")
                  and clauses[0].i < tok.i < c.i]
        indices = {t.i for c in clauses + others[:1] for t in c.subtree}
        return pruned(clauses[0], indices, cues)
    for child in children:
        if child.dep_ == "xcomp" and "xcomp" in cue.complements:
            indices = {t.i for t in child.subtree}
            if child.dep_ == "xcomp":  # "urged Congress to act": the object belongs to the clause
                for obj in tok.children:
                    if obj.dep_ == "dobj" and obj.i < child.i:
                        indices |= {t.i for t in obj.subtree}
            return pruned(child, indices | _stranded_conjuncts(tok, child, cues), cues)
    objects = [c for c in children if c.dep_ == "dobj" and c.i > tok.i]
    predicatives = [c for c in children if c.dep_ == "oprd" or (
        c.dep_ == "prep" and objects and c.i > objects[0].i and (
            c.lower_ in ("as", "of") or (c.lower_ == "for" and "for" in cue.complements
                                         and not _holds_cue(c, cues))))]
    if objects and ("dobj" in cue.complements or ("oprd" in cue.complements and predicatives)):
        # "called the plan a disaster", "described him as reckless", "accused X of lying",
        # "criticized X for the delays"
        indices = {t.i for c in objects[:1] + predicatives for t in c.subtree}
        return sorted(indices | _stranded_conjuncts(tok, objects[0], cues))
    if "dobj" in cue.complements and not objects and passive_agent(tok) is not None:
        # "Garcia was endorsed by the union": the passive subject is what was endorsed
        subject = next(c for c in children if c.dep_ == "nsubjpass")
        return sorted(t.i for t in subject.subtree)
    for child in children:
        if child.dep_ == "prep" and child.lower_ in cue.complements:  # "called for", "point to"
            # the object may be a gerund clause: "called for cutting the tax" (pcomp)
            indices = {t.i for g in child.children if g.dep_ in ("pobj", "pcomp")
                       for t in g.subtree}
            return sorted(indices | _stranded_conjuncts(tok, child, cues)) if indices else []
    if "ccomp" in cue.complements:
        clause = _misattached_clause(tok)
        if clause is not None:
            return pruned(clause, {t.i for t in clause.subtree}, cues)
    if tok.dep_ == "parataxis" or _as_clause(tok):
        # "The plan, he said, will fail", "As she noted, the plan will fail": the host
        # clause is the content
        inner = {t.i for t in tok.subtree}
        return sorted(t.i for t in tok.head.subtree if t.i not in inner)
    return []


def _holds_cue(prep: Token, cues: dict[str, Cue]) -> bool:
    """A reason phrase that reports speech of its own ("criticized X for saying that ..."):
    left to that cue, whose speaker is X."""
    return any(g.dep_ == "pcomp" and g.lemma_ in cues for g in prep.children)


def _stranded_conjuncts(tok: Token, content: Token, cues: dict[str, Cue]) -> set[int]:
    """Conjuncts the parser hung on a finite cue that cannot coordinate with it: "wants to
    triple X, grow Y and create Z", "has mentioned refinancing loans and forcing ..." (a
    bare or -ing verb after a finite one continues the content, not the cue)."""
    if tok.tag_ not in _FINITE_OR_PERFECT:
        return set()
    found: set[int] = set()
    for child in tok.rights:
        if (child.dep_ == "conj" and child.i > content.i and child.tag_ in ("VB", "VBG")
                and child.lemma_ not in cues
                and not any(c.dep_ in _SUBJECTS for c in child.children)):
            found |= {t.i for t in child.subtree}
    if found:  # the "and" before the conjunct, which the frame would otherwise keep out
        found |= {c.i for c in tok.rights if c.dep_ in ("cc", "punct")
                  and content.i < c.i < max(found)}
    return found


def _as_clause(tok: Token) -> bool:
    """A cue in an "as"-clause on its host: "As the auditor pointed out, ..."."""
    if tok.dep_ != "advcl" or tok.head.pos_ not in ("VERB", "AUX"):
        return False
    deps = {c.dep_ for c in tok.children}  # a speaker, and no object: not "as she greeted X"
    return "nsubj" in deps and not deps & {"dobj", "ccomp", "xcomp"} and any(
        c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)


def _misattached_clause(tok: Token) -> Token | None:
    """A clause the parser hung on the cue's object ("told a meeting of leaders that ...",
    "said after the convention he would ..."): a finite clause with its own subject, close
    after the cue, whose subject is not a relative pronoun."""
    for d in tok.subtree:
        if d.i <= tok.i or d.left_edge.i - tok.i > _MISATTACHED_REACH:
            continue
        if d.dep_ in ("relcl", "acl") and d.pos_ in ("VERB", "AUX"):
            subjects = [c for c in d.children if c.dep_ in _SUBJECTS]
            if subjects and subjects[0].lower_ not in ("who", "which", "that", "whom"):
                return d
    return None


def pruned(root: Token, indices: set[int], cues: dict[str, Cue]) -> list[int]:
    """Drop what is not reported: a second cue's clause ("and warned ..."), and a trailing
    apposition (", the presumed favorite")."""
    doc = root.doc
    for t in root.subtree:
        if t.i == root.i or t.i not in indices:
            continue
        # only at the top of the content and with a clause of its own: "said X and warned
        # that Y"; a cue deeper inside or without a clause is part of what was reported
        # ("said police stopped him and told him to wait", "said he ... and talked about Z")
        if (t.head.i == root.i and t.dep_ in _OWN_ATTRIBUTION and t.pos_ == "VERB"
                and t.lemma_ in cues and any(c.dep_ == "ccomp" for c in t.children)):
            indices -= {d.i for d in t.subtree}
    last = max(indices)
    while last > root.i and (doc[last].dep_ == "cc" or doc[last].is_punct):
        indices.discard(last)  # the "and" before a cut second attribution
        last = max(indices)
    for t in root.subtree:
        if (t.i in indices and t.dep_ in _NON_RESTRICTIVE and t.left_edge.i > root.i
                and doc[t.left_edge.i - 1].text == "," and t.right_edge.i >= last - 1):
            indices -= set(range(t.left_edge.i - 1, last + 1))
            break
    return sorted(indices)


def _filled(tok: Token, indices: list[int]) -> list[int]:
    """Close gaps in the content ("called [her vote] in favor of the war [a mistake]"), but
    never over the reporting frame: the cue, its subject, auxiliaries and time adverbs."""
    frame = {tok.i}
    for child in tok.children:
        if child.dep_ in _SUBJECTS or child.dep_ in _FRAME:
            frame |= {t.i for t in child.subtree}
    have = set(indices)
    return [i for i in range(indices[0], indices[-1] + 1) if i in have or i not in frame]


def attribution_from_cue(doc: Doc, tok: Token, cue: Cue,
                         cues: dict[str, Cue]) -> Attribution | None:
    """An indirect attribution for a cue verb with a clause, or None."""
    indices = content_tokens(tok, cue, cues)
    if len(indices) < 3 and not _named_object(tok, indices):
        return None
    indices = _filled(tok, indices)
    if agentless_passive(tok):  # "peacekeepers have been blamed for ...": what is said of them
        subject = next(c for c in tok.children if c.dep_ == "nsubjpass")
        if subject.lower_ != "it" and subject.i < indices[0]:
            indices = sorted({t.i for t in subject.subtree} | set(indices))
    spans = token_ranges(doc, indices)
    if not spans:
        return None
    return Attribution("indirect", spans, cue_span(tok), cls=cue.cls, cue_token=tok.i)


def _named_object(tok: Token, indices: list[int]) -> bool:
    """A short content that is a name the cue takes as object: "endorsed Garcia" (not with a
    reason, "criticized Beck for saying ...": the name alone is not what was said)."""
    doc = tok.doc
    if any(c.dep_ == "prep" and c.lower_ == "for" for c in tok.children):
        return False
    return bool(indices) and all(doc[i].pos_ == "PROPN" for i in indices) and any(
        doc[i].dep_ in ("dobj", "nsubjpass") and doc[i].head.i == tok.i for i in indices)


def cue_span(tok: Token) -> tuple[int, int, str]:
    """The cue's characters (verb plus particle: "point out") and lemma."""
    end = tok.idx + len(tok)
    for child in tok.rights:
        if child.dep_ == "prt" and child.i == tok.i + 1 or (
                child.dep_ == "prep" and child.lower_ in ("for", "to", "on")
                and child.i == tok.i + 1):
            end = child.idx + len(child)
    return tok.idx, end, tok.lemma_.lower()


def according_to(doc: Doc, tok: Token) -> Attribution | None:
    """'according to X, ...': X is the speaker, the rest of the sentence the content."""
    if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
        return None
    to = doc[tok.i + 1]
    objects = [c for c in to.children if c.dep_ == "pobj"]
    sent = tok.sent
    phrase_end = max((o.right_edge.i for o in objects), default=to.i)
    if not objects or len(sent) > _MAX_CLAUSE_TOKENS:  # a run-on "sentence" is no clause
        return None
    content = [t.i for t in sent if not (tok.i <= t.i <= phrase_end)]
    spans = token_ranges(doc, content)
    if not spans:
        return None
    source = objects[0]
    for child in source.children:  # "according to a speech Jane Roe gave": Jane Roe
        if child.dep_ == "relcl":
            source = next((c for c in child.children if c.dep_ == "nsubj"
                           and c.ent_type_ == "PERSON"), source)
    att = Attribution("indirect", spans, (tok.idx, to.idx + len(to), "according to"),
                      cue_token=tok.i)
    att.set_speaker(source)
    return att
