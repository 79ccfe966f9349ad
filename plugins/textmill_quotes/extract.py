"""Find the quotes of one parsed document (imported in setup: this module uses spaCy/numpy)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .attach import Attacher
from .clauses import Attribution, according_to, attribution_from_cue
from .lexicon import Cue
from .marks import find_quotes
from .nouns import adjective_attribution, noun_attribution
from .passives import agentless_passive, passive_agent
from .speakers import EntityIndex, resolve
from .subjects import adjacent_speaker, subject_of

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

FRAGMENT_JOIN = " … "
_ACCORD = "accord"


class QuoteExtractor:
    """Holds the lexicon (as lemma hashes) and turns a Doc plus its record into quote dicts."""

    def __init__(self, nlp: Language, cues: dict[str, Cue], roles: frozenset[str], *,
                 kinds: frozenset[str], min_words: int, nested: bool,
                 noun_cues: frozenset[str] = frozenset(),
                 noun_intents: frozenset[str] = frozenset(),
                 adjectives: frozenset[str] = frozenset()) -> None:
        self.cues = cues
        self.adjectives = adjectives
        self.noun_cues = noun_cues
        self.noun_intents = noun_intents
        self.roles = roles
        self.kinds = kinds
        self.min_words = min_words
        self.nested = nested
        strings = nlp.vocab.strings
        lemmas = sorted(set(cues) | noun_cues | noun_intents | adjectives | {_ACCORD})
        self.hashes = np.array([strings.add(lemma) for lemma in lemmas], dtype="uint64")

    def extract(self, doc: Doc, record: dict[str, Any]) -> list[dict[str, Any]]:
        """The contract's ``quotes`` list for one document."""
        # The record's text is doc.text (contract); Doc.text would rebuild it from every token.
        text = record["text"] if "text" in record else doc.text
        runs = find_quotes(text)
        regions = [(r.open_mark, r.close_mark if r.close_mark is not None else r.end)
                   for r in runs]
        region_starts = [r[0] for r in regions]

        def inside_run(pos: int) -> bool:
            i = bisect_right(region_starts, pos) - 1
            return i >= 0 and regions[i][0] < pos < regions[i][1]

        atts, speech = self._cue_attributions(doc, inside_run)
        atts = Attacher(doc, text, runs, atts, speech, min_words=self.min_words,
                        is_inside_run=inside_run).run()
        # Filter kinds after de-duplication: that drops indirect readings of direct quotes.
        atts = [a for a in _dedupe([a for a in atts if a.spans]) if a.kind in self.kinds]
        # Reported speech with no one reporting it is a gerund or an adjunct ("assuming that
        # ...", "knowing how much ..."), not a quote, unless a passive leaves its source unnamed.
        atts = [a for a in atts if a.kind != "indirect" or a.speaker is not None or a.unnamed]
        index = EntityIndex(record.get("entities") or [])
        return [self._record(doc, text, index, n, att) for n, att in enumerate(atts, 1)]

    def _cue_attributions(self, doc: Doc, inside_run: Callable[[int], bool]
                          ) -> tuple[list[Attribution], list[int]]:
        lemmas = doc.to_array("LEMMA")
        found = np.nonzero(np.isin(lemmas, self.hashes))[0].tolist()
        atts: list[Attribution] = []
        speech: list[int] = []
        for i in found:
            tok = doc[i]
            if not self.nested and inside_run(tok.idx):
                continue
            if tok.lemma_ == _ACCORD:
                att = according_to(doc, tok)
                if att is not None:
                    atts.append(att)
                    speech.append(i)
                continue
            if tok.pos_ == "ADJ" and tok.lemma_ in self.adjectives:  # "is confident that"
                att = adjective_attribution(doc, tok, self.cues)
                if att is not None:
                    atts.append(att)
                continue
            that, to = tok.lemma_ in self.noun_cues, tok.lemma_ in self.noun_intents
            if tok.pos_ == "NOUN" and (that or to):  # "his claim that", "her decision to"
                att = noun_attribution(doc, tok, self.cues, that=that, to=to)
                if att is not None:
                    atts.append(att)
                continue
            if tok.pos_ != "VERB" or tok.lemma_ not in self.cues:
                continue
            cue = self.cues[tok.lemma_]
            if cue.cls == "speech":
                speech.append(i)
            att = attribution_from_cue(doc, tok, cue, self.cues)
            if att is None:
                continue
            if agentless_passive(tok):  # "X has been criticized for Y": X is no speaker
                att.unnamed = True
                atts.append(att)
                continue
            agent = passive_agent(tok) if "dobj" in cue.complements else None
            subject = agent if agent is not None else subject_of(tok)
            if subject is not None and inside_run(subject.idx):
                subject = adjacent_speaker(tok, inside_run)
            elif subject is None:
                # a finite cue the parser left without subject ("X, the head of Y, told"),
                # or the first of coordinated ones ("X and Y call them ... and describe")
                host = tok
                while host.dep_ == "conj" and host.head.pos_ == "VERB":
                    host = host.head
                if host.tag_ in ("VBD", "VBZ", "VBP"):
                    subject = adjacent_speaker(host, inside_run, forward=False)
            if subject is not None:
                att.set_speaker(subject)
            atts.append(att)
        return atts, speech

    def _record(self, doc: Doc, text: str, index: EntityIndex, n: int,
                att: Attribution) -> dict[str, Any]:
        # ``text`` is passed in: Doc.text rebuilds the string from every token on each access.
        speaker = None
        if att.speaker is not None:
            s, e = att.speaker
            head = doc[att.speaker_token] if att.speaker_token is not None else None
            antecedent = None
            if head is not None and head.dep_ in ("nsubj", "nsubjpass") \
                    and head.head.dep_ == "relcl":
                noun = head.head.head
                antecedent = (noun.idx, noun.idx + len(noun))
            entity = index.at(head.idx, head.idx + len(head)) if head is not None else None
            entity = entity or resolve(index, text, s, e,
                             head=(head.lower_ if head is not None else text[s:e].lower()),
                             antecedent=antecedent, roles=self.roles)
            speaker = {"text": text[s:e], "start": s, "end": e, "entity": entity}
        cue = None
        if att.cue is not None:
            s, e, lemma = att.cue
            cue = {"text": text[s:e], "start": s, "end": e, "lemma": lemma}
        spans = [[s, e] for s, e in att.spans]
        return {"id": f"q{n}", "kind": att.kind, "start": spans[0][0], "end": spans[-1][1],
                "text": FRAGMENT_JOIN.join(text[s:e] for s, e in att.spans), "spans": spans,
                "speaker": speaker, "cue": cue}


def _dedupe(atts: list[Attribution]) -> list[Attribution]:
    """Drop repeated contents and indirect readings buried in a direct quote; sort by start."""
    atts = sorted(atts, key=lambda a: (a.start, -a.end, a.kind != "direct"))
    out: list[Attribution] = []
    seen: set[tuple[tuple[int, int], ...]] = set()
    directs = [a for a in atts if a.kind == "direct"]
    for att in atts:
        key = tuple(att.spans)
        if key in seen:
            continue
        if att.kind == "indirect" and any(
                d.start <= att.start and att.end <= d.end for d in directs):
            continue
        if att.kind == "indirect" and att.cue is not None and any(
                o is not att and o.start <= att.cue[0] and att.end <= o.end
                and o.start < att.start for o in atts):
            continue  # "Lynch said she recalled thinking ...": the report, not the recollection
        seen.add(key)
        att.spans.sort()
        out.append(att)
    return out
