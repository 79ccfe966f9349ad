"""Find the speaker token of a cue: its subject, climbing clauses, objects and nominals."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .lexicon import load_words

if TYPE_CHECKING:
    from spacy.tokens import Token

#: Dependents that mark the grammatical subject of a cue verb.
SUBJECTS = ("nsubj", "nsubjpass")
#: Cue verbs hanging off another verb share its subject ("..., saying that", "and said",
#: "was quick to say").
_SHARES_SUBJECT = ("xcomp", "conj", "advcl", "acomp")
_MAX_SPEAKER_TOKENS = 12
_SPEAKER_POS = ("PROPN", "PRON", "NOUN")
_NAMED = ("PERSON", "ORG", "NORP", "GPE")
#: Verbs whose subject also speaks a participle hanging off their clause.
_REPORTING = frozenset({"say", "tell", "add", "note", "write", "argue", "claim", "insist",
                        "explain", "state", "declare", "warn", "testify", "tweet", "report"})
_NOT_SPEAKERS = ("DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY")
#: Subjects that are never speakers: a date or time the parser took for one ("Monday saw").
_TIME_ENTS = ("DATE", "TIME")
_RELATIVE_THINGS = ("that", "which")
#: Prepositions that put a speech event on a speaker's verb ("said at a news conference").
_EVENT_PREPS = ("at", "during")
#: Dependents an object-taking cue's object-control host passes down ("forced X to admit").
_OBJECTS = ("dobj",)
_PRODUCERS = load_words("producing_verbs.txt")


def subject_of(tok: Token) -> Token | None:
    """The subject of a cue verb, climbing to the verb it hangs off when it has none."""
    if tok.tag_ == "VBG" and tok.i > 0 and tok.doc[tok.i - 1].ent_type_ == "PERSON":
        return tok.doc[tok.i - 1]  # "footage of Hillary Clinton asking, ..."
    current = tok
    for _ in range(5):
        subjects = [c for c in current.children if c.dep_ in SUBJECTS
                    and not (c.dep_ == "nsubjpass" and c.lower_ == "it")
                    and c.ent_type_ not in _TIME_ENTS]
        if subjects:  # the nearest before the cue: not "The Latest" in "The Latest: X urges"
            before = [c for c in subjects if c.i < tok.i]
            child = before[-1] if before else subjects[0]
            return _source(_named_apposition(child, current) or child)
        for child in current.children:
            if child.dep_ == "agent":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return grand
        if current.dep_ == "acl" and (current.head.pos_ in ("PROPN", "PRON")
                                      or current.head.ent_type_ in _NAMED):
            return current.head  # "footage of Hillary Clinton asking, ..."
        if current.dep_ == "acl" and current.tag_ == "VBG" and current.head.pos_ in ("NOUN",
                                                                                    "NUM"):
            return _source(current.head)  # "a statement calling ...", "tweets attacking ..."
        if current.dep_ == "xcomp":
            controller = _object_before(current.head, current.i)
            if controller is not None:  # "forced Stumpf to admit": Stumpf admits
                return controller
        if current.dep_ == "advcl" and current.tag_ == "VBG":
            host = _reporting_ancestor(current)
            if host is not None:  # "Analysts said costs rose, citing ...": the analysts cite
                current = host
                continue
        if current.dep_ == "pcomp" and current.head.lower_ == "for":
            controller = _object_before(current.head.head, current.i)
            if controller is not None:  # "criticized Jane Roe for saying": Jane Roe says
                return controller
        reporter = next((c for c in current.children if c.dep_ == "parataxis"
                         and c.pos_ == "VERB" and c.lemma_ in _REPORTING), None)
        if reporter is not None and reporter.i < tok.i:
            current = reporter  # "..., X said, not even needing to mention ..."
            continue
        if current.dep_ == "pcomp" and current.head.head is not current.head:
            current = _verb_above(current.head.head)  # "after saying", "stopped short of X"
        elif current.dep_ in _SHARES_SUBJECT and current.head is not current:
            current = current.head
        else:
            break
    return None


def _verb_above(tok: Token) -> Token:
    """``tok`` or, for an adverb or adjective hanging off a verb, that verb."""
    for _ in range(2):
        if tok.pos_ in ("VERB", "AUX") or tok.dep_ not in ("advmod", "acomp", "amod", "prep"):
            break
        tok = tok.head
    return tok


def _object_before(verb: Token, limit: int) -> Token | None:
    """The nominal direct object of ``verb`` before token ``limit``, if any."""
    for child in verb.children:
        if child.dep_ in _OBJECTS and child.i < limit and child.pos_ in _SPEAKER_POS:
            return child
    return None


def _source(subject: Token) -> Token:
    """The source behind a nominal subject (or a relative pronoun's antecedent) that is a
    document someone issued: its issuer ("issued a statement saying", "a letter that says")."""
    noun = subject
    if subject.lower_ in _RELATIVE_THINGS and subject.head.dep_ == "relcl":
        noun = subject.head.head  # only its issuer replaces "that": sources annotate "which"
    if noun.pos_ != "NOUN":
        return subject
    while noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN":
        noun = noun.head.head  # "a series of tweets": the series
    host = None
    if noun.dep_ == "dobj" and noun.head.lemma_ in _PRODUCERS:
        host = noun.head
    elif noun.dep_ == "pobj" and noun.head.lower_ in _EVENT_PREPS \
            and noun.head.head.pos_ == "VERB":
        host = noun.head.head
    if host is not None:
        issuer = subject_of(host)
        if issuer is not None and issuer.i not in (subject.i, noun.i):
            return issuer
    return subject


def _named_apposition(subject: Token, verb: Token) -> Token | None:
    """A name in apposition to a subject that is no name ("the election, Minyon Moore, ..."),
    or to any subject when the name ends right before the verb ("To understand Dred Scott,
    Justice Roberts said, ...")."""
    named = subject.ent_type_ in _NAMED or subject.pos_ in ("PROPN", "PRON")
    for child in subject.children:
        if child.dep_ == "appos" and child.ent_type_ == "PERSON" and (
                not named or child.right_edge.i + 1 == verb.i):
            return child
    return None


def _reporting_ancestor(tok: Token) -> Token | None:
    """The nearest ancestor verb that reports speech and has its own subject."""
    for anc in tok.ancestors:
        if anc.pos_ == "VERB" and anc.lemma_ in _REPORTING and any(
                c.dep_ in SUBJECTS for c in anc.children):
            return anc
    return None


def adjacent_speaker(tok: Token, inside_run: Callable[[int], bool], *,
                     forward: bool = True) -> Token | None:
    """A name or pronoun right next to a cue, outside quotations ("…," said Obama); with
    ``forward`` False only the one before it ("Jane Roe, the mayor of X, told ...")."""
    doc = tok.doc
    for j in (tok.i + 1, tok.i + 2) if forward else ():
        if j < len(doc) and doc[j].pos_ in _SPEAKER_POS and not inside_run(doc[j].idx) \
                and doc[j].ent_type_ not in _NOT_SPEAKERS:  # "said Monday"
            return doc[j]
    depth = 0  # walk back over "Rep. Jane Roe (D-Md.)" to the name, not into a quotation
    for j in range(tok.i - 1, max(-1, tok.i - 10), -1):
        t = doc[j]
        if inside_run(t.idx) or t.text in '"“”' or (t.is_sent_start and j < tok.i - 1):
            break
        depth += (t.text == ")") - (t.text == "(")
        if depth or t.pos_ not in _SPEAKER_POS or t.ent_type_ in _NOT_SPEAKERS:
            continue
        if t.dep_ == "appos" and t.head.pos_ == "PROPN" and t.head.i < t.i:
            return t.head  # "Jane Roe, the chief executive of the league, told ..."
        if t.dep_ not in ("pobj", "dobj"):  # not "the debate" in "after the debate, asserting"
            return t
    return None


def speaker_range(subject: Token) -> tuple[int, int]:
    """Token range [lo, hi] of a speaker phrase: the subject's subtree minus clauses."""
    lo, hi = subject.left_edge.i, subject.right_edge.i
    for child in subject.rights:
        after_comma = child.left_edge.i > 0 and subject.doc[child.left_edge.i - 1].text == ","
        if child.dep_ in ("relcl", "acl") or (child.dep_ == "appos" and after_comma) or (
                child.dep_ == "punct" and child.i > subject.i and child.text in "(—–"):
            hi = min(hi, child.left_edge.i - 1)
    if hi - lo + 1 > _MAX_SPEAKER_TOKENS:
        lo = hi = subject.i
        while lo > 0 and subject.doc[lo - 1].dep_ in ("compound", "amod", "det") \
                and subject.doc[lo - 1].head.i >= lo:
            lo -= 1
    doc = subject.doc
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    return lo, hi
