"""Who holds a stance toward whom, read off the dependency tree of one sentence."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .tree import Tree, tree_of

if TYPE_CHECKING:
    from spacy.tokens import Span

    from .lexicon import Lexicons

#: Clauses that share their governor's subject ("summoned X to demand Y", "met and praised").
SHARED_SUBJECT = frozenset({"xcomp", "advcl", "conj", "pcomp", "acomp", "prep"})
SUBJECTS = frozenset({"nsubj", "csubj"})
#: Relations a holder's head word can have: subject, possessor, agent, owner of the subject.
HOLDER_DEPS = frozenset({"nsubj", "csubj", "poss", "pobj", "compound", "appos", "amod", "nmod",
                         "conj"})
#: How a holder can sit inside the noun phrase that acts: "Seoul's officials", "Israeli leaders",
#: "Fox News host Bill O'Reilly", "the owner, the Center for Excellence".
OWNER_DEPS = frozenset({"poss", "compound", "amod", "nmod", "appos"})
#: Words of the content a relation word may evaluate (not "like" in "countries like X").
CONTENT_POS = frozenset({"VERB", "NOUN", "ADJ", "PROPN"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
PRONOUNS = frozenset({"he", "she", "they", "we", "i", "it", "his", "her", "its", "their",
                      "our", "my"})
#: Prepositions of place and time: what they introduce is a setting, not the one evaluated.
SETTING_PREPS = frozenset({"in", "within", "inside", "at", "during", "near", "after", "before",
                           "across", "around", "since", "until", "throughout", "into", "under",
                           "among", "amid", "amidst", "beyond", "outside", "along"})
#: How an evaluative noun or adjective attaches to the verb (or light noun) that voices it.
COMPLEMENTS = frozenset({"dobj", "attr", "acomp", "oprd", "pobj", "prep", "xcomp", "ccomp",
                         "conj", "appos", "npadvmod", "dative"})
#: Modifiers that strengthen a support/oppose word, and by how much.
INTENSIFIERS = frozenset({"deep", "deeply", "grave", "gravely", "serious", "seriously", "strong",
                          "strongly", "harsh", "harshly", "sharp", "sharply", "fierce",
                          "fiercely", "vehement", "vehemently", "bitter", "bitterly",
                          "profound", "firm", "firmly", "staunch", "staunchly", "warm",
                          "warmly", "full", "fully", "unwavering", "vocal", "vocally"})
INTENSITY = 1.5
#: Nouns that carry another's evaluation: "a show of support", "words of praise".
LIGHT_NOUNS = frozenset({"show", "sign", "expression", "word", "statement", "message",
                         "letter", "gesture", "act", "move", "call", "vote", "offer", "pledge",
                         "promise", "declaration", "display", "note", "speech", "tweet"})
#: Relations through which a word evaluates what it governs (its object, complement, owner).
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
            if dep[verb] == "relcl" and tree.lower[found[0]] in RELATIVE_PRONOUNS:
                return [tree.head[verb]]  # "X, who condemned Y": X acts
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


def _holds(tree: Tree, candidate: int, holder: Span, depth: int = 2) -> bool:
    """True when ``candidate`` is the holder, or a group the holder owns or qualifies
    ("Seoul's officials", "Israeli leaders", "Fox News host Bill O'Reilly")."""
    if _inside(candidate, holder):
        return True
    dep = tree.dep
    # "Washington and Moscow butted heads": each conjunct of a subject acts.
    return depth > 0 and any((dep[c] in OWNER_DEPS or dep[c] == "conj")
                             and _holds(tree, c, holder, depth - 1)
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
                # The subject must not contain the target ("Y's critics said"), unless it is
                # the antecedent of a relative clause ("X, which condemned Y, ...").
                if _holds(tree, subj, holder) and (dep[anc] == "relcl"
                                                   or not tree.is_ancestor(subj, root)):
                    return "subject"
            if any(_holds(tree, a, holder) for a in _agents(tree, anc)):
                return "agent"
            if _noun_before_infinitive(tree, anc, holder):
                return "possessor"
        if pos[anc] in ("NOUN", "PROPN"):
            if any(dep[c] == "poss" and _inside(c, holder) for c in children(anc)):
                return "possessor"
    return None


def relation_polarity(holder: Span, target: Span, lex: Lexicons) -> float:
    """What the holder's own support/oppose words say of the target, in [-1, 1].

    Walking up from the target, a word of relations.tsv counts when its object or complement
    leads to the target and the holder voices it (``_voiced_by``); negation flips it. The
    nearest such word decides ("demand the withdrawal of Y": -0.7), flipped when a negative
    word above it opposes it ("opposed the alliance with Y", "criticized Y's support") or
    when it acts on another's negative word below it ("backed Y's critics").
    """
    tree = tree_of(target.doc)
    dep, lower, pos, children = tree.dep, tree.lower, tree.pos, tree.children
    relations, negations = lex.relations, lex.negations
    found: list[float] = []
    found_below = False
    child = root = tree.root(target)
    hroot = tree.root(holder)
    for anc in tree.ancestors(root):
        if _inside(anc, holder):
            break
        # "alliances within the UN", "troops in Ukraine": a place or time is not evaluated.
        if dep[child] == "prep" and lower[child] in SETTING_PREPS:
            break
        value = (relations.get(tree.lemma[anc], 0.0)
                 if dep[child] in OBJECTS and pos[anc] in CONTENT_POS else 0.0)
        child = anc
        if value and (any(dep[c] == "neg" or lower[c] in negations for c in children(anc))
                      or (dep[anc] in ("xcomp", "dobj")
                          and tree.lemma[tree.head[anc]] in lex.reversers)):
            value = -value  # "did not endorse", "refused to endorse", "ended its support"
        if value and _voiced_by(tree, anc, holder):
            if any(lower[c] in INTENSIFIERS for c in children(anc)):
                value *= INTENSITY  # "grave concern", "strongly condemned"
            found.append(value)
        elif value < 0 and not found:
            # Someone else's hostility toward the target, which the holder's word acts on:
            # "backed Y's critics", "support ... as a countermeasure to Y".
            found_below = True
        if tree.is_ancestor(hroot, anc) or tree.is_ancestor(anc, hroot):
            if any(c == hroot or _holds(tree, c, holder) for c in children(anc)):
                break
    if not found:
        return 0.0
    value = found[0]
    if value > 0 and (found_below or any(v < 0 for v in found[1:])):
        return -min(1.0, value)
    for v in found[1:]:
        # More of the holder's words the same way add up (noisy-or): "summoned ... to demand
        # the withdrawal of Y".
        value = math.copysign(1.0 - (1.0 - min(1.0, abs(value))) * (1.0 - abs(v)), value)
    return max(-1.0, min(1.0, value))


def _voiced_by(tree: Tree, word: int, holder: Span) -> bool:
    """True when ``holder`` says or does ``word``: a verb it is the subject (or agent) of, a
    noun it owns ("X's condemnation"), or a noun or adjective that completes its verb
    ("X expressed concern", "X offered support", "X was critical"), through at most one
    light noun ("a show of support")."""
    dep, pos, head = tree.dep, tree.pos, tree.head
    light = 0
    for _ in range(6):
        if pos[word] in ("VERB", "AUX"):
            # A pronoun subject is the holder reported ("X said she supports Y"): the link
            # to the target already runs through the holder's own predicate.
            return any(_holds(tree, s, holder) or tree.lower[s] in PRONOUNS
                       for s in _subjects(tree, word)) or any(
                _holds(tree, a, holder) for a in _agents(tree, word)) or (
                # "X's preparations to ratify a treaty": the owner of the noun acts.
                dep[word] == "acl" and any(dep[c] == "poss" and _holds(tree, c, holder)
                                           for c in tree.children(head[word]))
            ) or _noun_before_infinitive(tree, word, holder)
        owners = [c for c in tree.children(word) if dep[c] == "poss"]
        if owners:  # "X's condemnation" is X's; "Y's support" is Y's, not the holder's
            return any(_holds(tree, c, holder) or tree.lower[c] in PRONOUNS for c in owners)
        if head[word] == word or dep[word] not in COMPLEMENTS:
            return False
        word = head[word]
        if pos[word] in ("NOUN", "PROPN"):
            if tree.lemma[word] not in LIGHT_NOUNS or light:
                return any(dep[c] == "poss" and _holds(tree, c, holder)
                           for c in tree.children(word))
            light += 1
    return False


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
