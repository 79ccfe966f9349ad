"""Collect the holder-target pairs to score: given in ``meta``, or found in the text."""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from textmill_entities.lookup import EntityIndex

from .actors import folded
from .items import Item
from .lexicon import load_lexicons
from .relations import HOLDER_DEPS, link, relation_polarity
from .run import UNLINKED, Pair, evidence_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from .step import StanceConfig


def _span(doc: Doc, given: Any, where: str) -> Span:
    """The token span covering a given {start, end, text}; errors say where and what."""
    if not isinstance(given, dict) or not all(isinstance(given.get(k), int)
                                              for k in ("start", "end")):
        raise ValueError(f"{where}: expected an object with integer 'start' and 'end', "
                         f"got {given!r}")
    start, end = given["start"], given["end"]
    if not 0 <= start < end <= len(doc.text):
        raise ValueError(f"{where}: span [{start}, {end}) is outside the text "
                         f"(length {len(doc.text)})")
    text = given.get("text")
    if isinstance(text, str) and doc.text[start:end] != text:
        raise ValueError(f"{where}: text[{start}:{end}] is {doc.text[start:end]!r}, not "
                         f"{text!r}. Hint: offsets are Python str indices into the text.")
    span = doc.char_span(start, end, alignment_mode="expand")
    assert span is not None
    return span


def _ref(index: EntityIndex, doc: Doc, given: dict[str, Any]) -> dict[str, Any]:
    start, end = given["start"], given["end"]
    return {"entity": index.at(start, end), "text": doc.text[start:end]}


def given_pairs(doc: Doc, record: dict[str, Any]) -> list[Pair] | None:
    """Pairs from ``meta.stance_targets`` (and ``meta.stance_holders``), or None when absent.

    Holders pair with targets one to one, or one holder serves every target; with no holder
    the stance is the text's own.
    """
    meta = record.get("meta") or {}
    targets = meta.get("stance_targets")
    if not targets:
        return None
    holders = meta.get("stance_holders") or []
    if not isinstance(targets, list) or not isinstance(holders, list) or (
            holders and len(holders) not in (1, len(targets))):
        raise ValueError(f"meta.stance_holders: expected a list of 0, 1 or {len(targets)} spans "
                         f"(one per target), got {holders!r}")
    index = EntityIndex(record.get("entities") or [])
    pairs = []
    for i, t in enumerate(targets):
        tspan = _span(doc, t, f"meta.stance_targets.{i}")
        h = (holders[i] if len(holders) == len(targets) else holders[0]) if holders else None
        hspan = _span(doc, h, f"meta.stance_holders.{i}") if h is not None else None
        same = hspan is not None and hspan.sent == tspan.sent
        linked = same and link(hspan, tspan) is not None
        pairs.append(Pair(_ref(index, doc, h) if h is not None else None,
                          _ref(index, doc, t), evidence_of(hspan if same else None, tspan),
                          Item(tspan.sent, tspan, hspan if same else None),
                          UNLINKED if hspan is not None and not linked else 1.0,
                          _relation(hspan, tspan) if linked else None))
    return pairs


def _relation(holder: Span | None, target: Span) -> float:
    lex = load_lexicons()
    assert holder is not None
    return relation_polarity(holder, target, lex)


def _named(index: EntityIndex, names: tuple[str, ...]) -> set[str]:
    return {i for i in (index.by_name(n) for n in names) if i is not None}


def auto_pairs(doc: Doc, record: dict[str, Any], config: StanceConfig) -> list[Pair]:
    """Pairs found in the text: quote speakers toward entities in their quotes, and subjects
    or possessors of predicates toward the entities those predicates govern."""
    entities = record.get("entities") or []
    labels = set(config.target_labels)
    fold = folded(entities) if config.fold_places else {}
    actors = {row["id"] for row in entities if row["label"] in labels}
    targets = actors if config.targets == "auto" else _named(
        EntityIndex(entities), config.targets) & {row["id"] for row in entities}
    if not targets:
        return []
    names = {row["id"]: row["name"] for row in entities}
    mentions: list[tuple[Span, str]] = []
    for row in entities:
        if row["id"] in actors or row["id"] in targets:
            for m in row["mentions"]:
                span = doc.char_span(m["start"], m["end"], alignment_mode="expand")
                if span is not None:
                    mentions.append((span, fold.get(row["id"], row["id"])))
    # A folded cluster acts and is targeted as the place it stands for.
    actors |= {fold[i] for i in actors if i in fold}
    targets = targets | {fold[i] for i in targets if i in fold}
    mentions.sort(key=lambda m: m[0].start)
    quotes = record.get("quotes") or []
    pairs = _quote_pairs([q for q in quotes if q["kind"] != "indirect"], mentions, targets,
                         names, fold)
    # A target inside the holder's own words is already evidenced by the quote.
    quoted = {(p.holder["entity"], p.item.target.start) for p in pairs if p.holder}
    # Reported speech is the reporter's wording: it is read like any sentence (the speaker
    # is the subject of the cue), and the evidence names the quote.
    reported = {(hid, p.item.target.start): p.evidence["quote"] for p in _quote_pairs(
        [q for q in quotes if q["kind"] == "indirect"], mentions, targets, names, fold)
        if p.holder and (hid := p.holder["entity"])}
    starts = [sent.start for sent in doc.sents]
    by_sent: dict[int, list[tuple[Span, str]]] = {}
    for span, id_ in mentions:
        by_sent.setdefault(bisect_right(starts, span.start), []).append((span, id_))
    for group in by_sent.values():
        for hspan, hid in group:
            # Cheap test first: only subjects, possessors and agents hold stances.
            if hid not in actors or hspan.root.dep_ not in HOLDER_DEPS:
                continue
            for tspan, tid in group:
                if (tid == hid or tid not in targets or (hid, tspan.start) in quoted
                        or link(hspan, tspan) is None):
                    continue
                evidence = evidence_of(hspan, tspan)
                if (hid, tspan.start) in reported:
                    evidence["quote"] = reported[hid, tspan.start]
                pairs.append(Pair({"entity": hid, "text": names[hid]},
                                  {"entity": tid, "text": names[tid]},
                                  evidence, Item(tspan.sent, tspan, hspan),
                                  relation=_relation(hspan, tspan)))
    return pairs


def _quote_pairs(quotes: list[dict[str, Any]], mentions: list[tuple[Span, str]],
                 targets: set[str], names: dict[str, str], fold: dict[str, str]) -> list[Pair]:
    pairs: list[Pair] = []
    if not quotes:
        return pairs
    bounds = [(tspan, tid, tspan.start_char, tspan.end_char) for tspan, tid in mentions
              if tid in targets]
    for q in quotes:
        speaker = q.get("speaker") or {}
        hid = fold.get(speaker.get("entity"), speaker.get("entity"))
        if hid is None or hid not in names:
            continue  # an unnamed speaker ("he" with no antecedent) holds nothing we can report
        spans = q["spans"]
        for tspan, tid, start, end in bounds:
            if tid == hid:
                continue
            if any(s <= start and end <= e for s, e in spans):
                pairs.append(Pair({"entity": hid, "text": names[hid]},
                                  {"entity": tid, "text": names[tid]},
                                  {"start": q["start"], "end": q["end"], "quote": q["id"]},
                                  Item(tspan.sent, tspan), spoken=True))
    return pairs
