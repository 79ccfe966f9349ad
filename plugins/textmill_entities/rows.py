"""The record's ``entities`` rows from clustered mentions: name, label, salience, related."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from .extract import Mention
from .keys import Keys
from .names import PLACE_LABELS, Tables, is_acronym, norm_key

#: Salience weights: share of the most frequent cluster's count, and earliness.
W_FREQUENCY, W_EARLY = 0.7, 0.3


def rows(members: dict[str, list[Mention]], text: str, *, labels: Collection[str],
         min_count: int, t: Tables) -> list[dict]:
    """One row per cluster with a configured-label mention, ids in order of first mention.

    ``key`` is the corpus-wide key of the cluster (keys.py), computed from this document alone.
    """
    clusters = []
    for ms in members.values():
        kept: list[Mention] = []
        for m in sorted(ms, key=lambda m: (m.start, -m.end)):
            if not kept or m.start >= kept[-1].end:  # drop repeats and overlaps
                kept.append(m)
        ms = kept
        strong = [m for m in ms if not m.weak and m.label in labels]
        if strong and len(ms) >= min_count:
            clusters.append((ms, strong))
    clusters.sort(key=lambda c: c[0][0].start)
    top = max((len(ms) for ms, _ in clusters), default=1)
    keys = Keys(text, t)
    out = []
    for i, (ms, strong) in enumerate(clusters, 1):
        name = _name(ms)
        label = _label(strong, name)
        out.append({
            "id": f"e{i}", "key": keys.key(name, label), "name": name, "label": label,
            "count": len(ms),
            "mentions": [{"start": m.start, "end": m.end, "text": m.text} for m in ms],
            "salience": round(W_FREQUENCY * len(ms) / top
                              + W_EARLY * (1 - ms[0].start / max(1, len(text))), 4),
            "related": [],
        })
    _relate(out, t)
    return out


def _name(ms: list[Mention]) -> str:
    """The fullest proper form: most words, then most characters, then earliest.

    Acronyms and all-capitals forms ("UN", "WASHINGTON") give way to ordinary spellings.
    """
    forms = ([m.key for m in ms if not is_acronym(m.key) and not m.key.isupper()]
             or [m.key for m in ms if not is_acronym(m.key)] or [m.key for m in ms])
    return max(forms, key=lambda k: (k.count(" "), len(k)))


def _label(strong: list[Mention], name: str) -> str:
    """Majority label of the mentions in the name's own form, else of all mentions.

    The fullest form is what the model labels best: "Pat Caddell" is PERSON even when the
    model tags each bare "Caddell" ORG.
    """
    named = [m for m in strong if m.key == name] or strong
    votes = Counter(m.label for m in named)
    overall = Counter(m.label for m in strong)
    return max(votes, key=lambda lb: (votes[lb], overall[lb], lb))


def _relate(rows: list[dict], t: Tables) -> None:
    """Link each NORP cluster to its place ("North Korean" -> "North Korea")."""
    places: dict[str, dict] = {}
    for row in rows:
        if row["label"] in PLACE_LABELS:
            for mention in row["mentions"]:
                key = norm_key(mention["text"])
                places.setdefault(t.aliases.get(key, key), row)
            places.setdefault(t.aliases.get(row["name"], row["name"]), row)
    guesses = _place_stems(places)
    for row in rows:
        if row["label"] != "NORP":
            continue
        key = norm_key(row["name"])
        if key not in t.demonyms and key.endswith("s") and key[:-1] in t.demonyms:
            key = key[:-1]  # "Americans"
        place = t.demonyms.get(key)
        target = places.get(t.aliases.get(place, place)) if place else _guess_place(
            row["name"], guesses)
        if target is not None and target is not row:
            row["related"].append({"entity": target["id"], "relation": "demonym_of"})
            target["related"].append({"entity": row["id"], "relation": "has_demonym"})
    for row in rows:
        row["related"].sort(key=lambda r: (int(r["entity"][1:]), r["relation"]))


def _place_stems(places: dict[str, dict]) -> dict[tuple[str, ...], list[tuple[str, dict, int]]]:
    """Places that a demonym may extend, by their words but the last and the last's first 3
    letters (a demonym starts with the place's stem, which is at least 3 letters long)."""
    out: dict[tuple[str, ...], list[tuple[str, dict]]] = {}
    for name, row in places.items():
        pw = name.split(" ")
        if len(pw[-1]) >= 4:
            stem = pw[-1][:-1] if pw[-1][-1] in "aeiouy" else pw[-1]
            out.setdefault((*pw[:-1], pw[-1][:3]), []).append((stem, row, len(pw[-1])))
    return out


def _guess_place(demonym: str, stems: dict[tuple[str, ...], list[tuple[str, dict, int]]]
                 ) -> dict | None:
    """A place whose name the demonym extends ("Kenyan" -> "Kenya"), for demonyms not listed."""
    words = demonym.split(" ")
    for stem, row, length in stems.get((*words[:-1], words[-1][:3]), ()):
        if words[-1].startswith(stem) and 0 < len(words[-1]) - length <= 3:
            return row
    return None
