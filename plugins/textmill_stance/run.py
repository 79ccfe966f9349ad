"""Turn a batch of parsed documents into stances: collect pairs, score them at once, aggregate."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .items import Item, Scored, label_of
from .relations import clause, link

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from .scorers import Scorer
    from .step import StanceConfig

#: Weight of a given holder that the sentence does not link to the target grammatically.
UNLINKED = 0.5
#: Weight of the scorer's answer when a predicate links holder and target but carries no
#: support/oppose word: the sentence's tone toward the target is weaker evidence of the
#: holder's stance than a word of the holder's own.
LINKED_MODEL = 0.8
#: Weight of the scorer's answer next to the support/oppose words on the link
#: (relations.tsv): the words decide, the model only shades them.
RELATION_MODEL = 0.2
#: Largest |score| of one piece of evidence when pieces are added (keeps atanh finite).
MAX_PIECE = 0.995


@dataclass
class Pair:
    """One scored piece of evidence for the stance of ``holder`` toward ``target``."""

    holder: dict[str, Any] | None
    target: dict[str, Any]
    evidence: dict[str, Any]
    item: Item
    weight: float = 1.0
    relation: float | None = None
    #: The evidence is the holder's own words (a direct or mixed quote).
    spoken: bool = False
    scored: Scored | None = field(default=None, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        h = self.holder
        hk = "" if h is None else (h["entity"] or "text:" + h["text"])
        return hk, self.target["entity"] or "text:" + self.target["text"]


def stances_for_batch(docs: Sequence[Doc], records: Sequence[dict[str, Any]], scorer: Scorer,
                      config: StanceConfig) -> list[list[dict[str, Any]]]:
    """The ``stances`` value of each document."""
    from .collect import auto_pairs, given_pairs

    per_doc: list[tuple[bool, list[Pair]]] = []
    for doc, record in zip(docs, records, strict=True):
        given = given_pairs(doc, record)
        per_doc.append((True, given) if given is not None
                       else (False, auto_pairs(doc, record, config)))
    flat = [p for _, pairs in per_doc for p in pairs]
    for pair, scored in zip(flat, scorer.score([p.item for p in flat]), strict=True):
        if pair.relation is not None:
            # A holder's stance is what the linking predicate says, more than the sentence's tone.
            value = (pair.relation + RELATION_MODEL * scored.score if pair.relation
                     else LINKED_MODEL * scored.score)
            value = max(-1.0, min(1.0, value))
            scored = Scored(value, label_of(value, config.holder_threshold))
        elif pair.spoken:
            # In the speaker's own words the speaker's stance is the text's: the scorer's
            # decision (trained for exactly that) stands, rescaled onto the holder threshold.
            scored = Scored(_rescaled(scored, config.holder_threshold), scored.label)
        pair.scored = scored
    out = []
    for is_given, pairs in per_doc:
        if is_given:
            out.append([_one(p, config.threshold if p.holder is None
                             else config.holder_threshold) for p in pairs])
        else:
            out.append(aggregate(pairs, config.holder_threshold, keep_neutral=config.neutral))
    return out


def _rescaled(scored: Scored, threshold: float) -> float:
    """A score whose favor/against/neutral by ``threshold`` is the scorer's own label."""
    score, label = scored
    if label == "neutral":
        return score * threshold
    return math.copysign(threshold + (1.0 - threshold) * min(1.0, abs(score)),
                         1.0 if label == "favor" else -1.0)


def _stance(holder: dict[str, Any] | None, target: dict[str, Any], label: str, score: float,
            evidence: list[dict[str, Any]]) -> dict[str, Any]:
    return {"holder": holder, "target": target, "label": label,
            "score": round(max(-1.0, min(1.0, score)), 4), "evidence": evidence}


def _one(pair: Pair, threshold: float) -> dict[str, Any]:
    assert pair.scored is not None
    score, label = pair.scored
    if pair.holder is not None:
        score *= pair.weight
        label = label_of(score, threshold)
    return _stance(pair.holder, pair.target, label, score, [pair.evidence])


def aggregate(pairs: Sequence[Pair], threshold: float, *,
              keep_neutral: bool = False) -> list[dict[str, Any]]:
    """One stance per (holder, target): evidence combined (``combine``), labelled by the
    threshold, with every evidence span."""
    groups: dict[tuple[str, str], list[Pair]] = {}
    for pair in pairs:
        groups.setdefault(pair.key, []).append(pair)
    out = []
    for group in groups.values():
        score = combine([p.scored.score * p.weight for p in group if p.scored is not None],
                        threshold)
        label = label_of(score, threshold)
        if label == "neutral" and not keep_neutral:
            continue
        evidence: list[dict[str, Any]] = []
        for p in sorted(group, key=lambda p: (p.evidence["start"], p.evidence["end"])):
            if p.evidence not in evidence:
                evidence.append(p.evidence)
        out.append(_stance(group[0].holder, group[0].target, label, score, evidence))
    out.sort(key=lambda s: (s["evidence"][0]["start"], s["holder"] is not None
                            and s["holder"]["text"] or "", s["target"]["text"]))
    return out


def combine(scores: Sequence[float], threshold: float) -> float:
    """Pieces of evidence added as log-odds (a score s is the odds (1 + s) / (1 - s)), so
    two moderate condemnations make a clear stance and a repeated stance outweighs one
    contrary sentence. A piece weaker than half the threshold, which its scorer would call
    neutral, is no evidence: many mildly toned mentions do not add up to a stance."""
    total = sum(math.atanh(max(-MAX_PIECE, min(MAX_PIECE, s))) for s in scores
                if abs(s) >= threshold / 2)
    return math.tanh(total)


def evidence_of(holder: Span | None, target: Span) -> dict[str, Any]:
    """The evidence span of a sentence-level pair: the linking clause, else the sentence."""
    if holder is not None and link(holder, target) is not None:
        start, end = clause(holder, target)
        return {"start": start, "end": end}
    sent = target.sent
    return {"start": sent.start_char, "end": sent.end_char}
