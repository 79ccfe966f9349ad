"""Contract-shaped output records for the report's tests and benchmark, built from text.

Offsets are found by searching the text, so a test names words, not numbers.
"""

from __future__ import annotations

import random
from typing import Any


def _find(text: str, part: str, start: int = 0) -> tuple[int, int]:
    at = text.index(part, start)
    return at, at + len(part)


def build_record(doc_id: str, text: str, *, entities=(), quotes=(), numbers=(), stances=(),
                 errors=(), meta=None, source=None) -> dict[str, Any]:
    """A record for ``text``.

    entities: (name, label); every occurrence of name is a mention.
    quotes: (content, speaker name or None, cue word, kind); speaker/cue at first occurrence.
    numbers: (surface, value, kind, unit).
    stances: (holder name, target name, label, score, evidence substring).
    """
    ents, ids = [], {}
    for n, (name, label) in enumerate(entities, start=1):
        mentions, at = [], text.find(name)
        while at >= 0:
            mentions.append({"start": at, "end": at + len(name), "text": name})
            at = text.find(name, at + len(name))
        ids[name] = f"e{n}"
        ents.append({"id": f"e{n}", "name": name, "label": label, "count": len(mentions),
                     "mentions": mentions})
    out_quotes = []
    for n, (content, speaker, cue, kind) in enumerate(quotes, start=1):
        s, e = _find(text, content)
        quote = {"id": f"q{n}", "kind": kind, "start": s, "end": e, "text": content,
                 "spans": [[s, e]], "speaker": None, "cue": None}
        if speaker:
            ss, se = _find(text, speaker)
            quote["speaker"] = {"text": speaker, "start": ss, "end": se,
                                "entity": ids.get(speaker)}
        if cue:
            cs, ce = _find(text, cue)
            quote["cue"] = {"text": cue, "start": cs, "end": ce, "lemma": cue.rstrip("sd")}
        out_quotes.append(quote)
    out_numbers = []
    for n, (surface, value, kind, unit) in enumerate(numbers, start=1):
        s, e = _find(text, surface)
        out_numbers.append({"id": f"n{n}", "start": s, "end": e, "text": surface,
                            "value": value, "kind": kind, "unit": unit, "approximate": False,
                            "qualifier": None, "counted": None})
    out_stances = []
    for holder, target, label, score, evidence in stances:
        s, e = _find(text, evidence)
        quote = next((q["id"] for q in out_quotes if s <= q["start"] < e), None)
        out_stances.append({"holder": {"entity": ids.get(holder), "text": holder},
                            "target": {"entity": ids.get(target), "text": target},
                            "label": label, "score": score,
                            "evidence": [{"start": s, "end": e, "quote": quote}]})
    return {"id": doc_id, "source": source or f"{doc_id}.txt", "text": text, "meta": meta or {},
            "entities": ents, "quotes": out_quotes, "numbers": out_numbers,
            "stances": out_stances, "errors": list(errors)}


PEOPLE = ["Maria Lopez", "Tom Becker", "Aiko Tanaka", "Samuel Osei", "Ingrid Holm",
          "Rafael Souza", "Priya Nair", "Daniel Weiss"]
ORGS = ["the Harbor Council", "Northwind Energy", "the Transit Authority", "Bluefield Bank"]
PLACES = ["Lakeside", "Port Vell", "Eastbrook", "Marlow"]
TOPICS = ["the new bridge", "the fare increase", "the wind farm", "the school budget"]


def synthetic_record(n: int, rng: random.Random, *, paragraphs: int = 8) -> dict[str, Any]:
    """A made-up local-news article of about 1,000 words per 8 paragraphs, with annotations."""
    people = rng.sample(PEOPLE, 3)
    org, place, topic = rng.choice(ORGS), rng.choice(PLACES), rng.choice(TOPICS)
    amount, share, count = rng.randint(2, 90), rng.randint(5, 80), rng.randint(100, 9000)
    quote1 = f"We cannot support {topic} as it stands, and {place} deserves better"
    quote2 = f"The plan will bring {count:,} jobs to the region within two years"
    head = (f"{place} divided over {topic}\n"
            f"{people[0]}, a member of {org}, said on Monday: \u201c{quote1}.\u201d "
            f"{people[1]} disagreed. \u201c{quote2},\u201d {people[1]} said. "
            f"The project would cost ${amount} million, and {share}% of residents back it.\n")
    filler = (f"Residents of {place} gathered again to discuss {topic}, as {people[2]} "
              "listened to questions about schedules, costs and the views from the harbour. "
              "Several speakers asked for more time before any decision is taken, and the "
              "meeting ran late into the evening while the rain kept falling outside.\n")
    text = head + filler * paragraphs
    return build_record(
        f"news/{n:04d}", text, meta={"section": "local", "n": n},
        entities=[(p, "PERSON") for p in people] + [(org, "ORG"), (place, "GPE")],
        quotes=[(quote1, people[0], "said", "direct"), (quote2, people[1], "said", "direct")],
        numbers=[(f"${amount} million", amount * 1_000_000, "money", "USD"),
                 (f"{share}%", share, "percent", None), (f"{count:,}", count, "cardinal", None)],
        stances=[(people[0], topic, "against", -0.7, quote1),
                 (people[1], topic, "favor", 0.6, quote2),
                 (people[1], people[0], "neutral", 0.0, f"{people[1]} disagreed")])


def synthetic_corpus(count: int, *, seed: int = 7, paragraphs: int = 8) -> list[dict[str, Any]]:
    """``count`` synthetic records, the same for the same seed."""
    rng = random.Random(seed)
    return [synthetic_record(n, rng, paragraphs=paragraphs) for n in range(count)]
