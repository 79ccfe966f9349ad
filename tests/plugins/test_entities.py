"""Tests of the `entities` step: name rules without a model, clusters with the real model."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from textmill import DataFileError, PipelineError, parse_data_text, pipeline_from_dict
from textmill_entities import names
from textmill_entities.cluster import build_clusters
from textmill_entities.extract import doc_mentions, is_headline
from textmill_entities.keys import Keys, slug
from textmill_entities.lookup import EntityIndex
from textmill_entities.names import initialisms, senses, tables, trim_span
from textmill_entities.step import DEFAULT_LABELS, EntitiesConfig

ENTITIES = [{"use": "entities"}]


def clusters(record):
    """name -> sorted mention texts, checking every offset on the way."""
    out = {}
    for row in record["entities"]:
        for m in row["mentions"]:
            assert record["text"][m["start"]:m["end"]] == m["text"]
        assert row["count"] == len(row["mentions"])
        assert row["name"] not in out, f"two clusters named {row['name']!r}"
        out[row["name"]] = sorted(m["text"] for m in row["mentions"])
    return out


def by_name(record, name):
    return next(row for row in record["entities"] if row["name"] == name)


# --- name forms, no model ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "person", "expected"), [
    ("President Zelensky", True, "Zelensky"),
    ("Ukrainian Defense Minister Rustem Umerov", True, "Rustem Umerov"),
    ("NATO Secretary-General Jens Stoltenberg", True, "Jens Stoltenberg"),
    ("Secretary of State Antony Blinken", True, "Antony Blinken"),
    ("Mr. Biden", False, "Biden"),
    ("Sen. Elizabeth Warren", True, "Elizabeth Warren"),
    ("Dr. Anthony Fauci’s", True, "Anthony Fauci"),
    ("North Korea’s", False, "North Korea"),
    ("North Korea's", False, "North Korea"),
    ("Jesus'", True, "Jesus"),
    ("the United States", False, "United States"),
    ("The United Nations", False, "United Nations"),
    ("U.S.", False, "U.S."),
    ("U.S.-led", False, "U.S."),
    ("North Korea-", False, "North Korea"),
    ("the Kursk region", False, "Kursk"),
    ("General Motors", False, "General Motors"),
    ("Charles de Gaulle", True, "Charles de Gaulle"),
    ("former President Barack Obama", True, "Barack Obama"),
    ("President", True, "President"),
    ("― Christina Luis", True, "Christina Luis"),
    ("Alternative for Germany (AfD)", False, "Alternative for Germany (AfD)"),
    ("NATO)", False, "NATO"),
    ("Reuters.", False, "Reuters"),
    ("Smith Jr.", True, "Smith Jr."),
])
def test_names_trim_span(text, person, expected):
    start, end = trim_span(text, 0, len(text), person=person)
    assert text[start:end] == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("United Nations", "UN"),
    ("North Atlantic Treaty Organization", "NATO"),
    ("European Union", "EU"),
    ("Bank of England", "BOE"),
])
def test_names_initialisms(name, expected):
    assert expected in initialisms(name)


@pytest.mark.parametrize(("name", "expected"), [("Ukraine", set()), ("united nations", set())])
def test_names_initialisms_none(name, expected):
    assert initialisms(name) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("Tensions Ripple Across Asia and Beyond", True),
    ("North Korea’s Footprint on the Frontlines: A New Dimension of Warfare", True),
    ("Stealth Over Health: Clinton Was Headed to ER But Diverted to Avoid Bad Optics.", True),
    ("Ukrainian President Volodymyr Zelensky expressed grave concern.", False),
    ("South Korea summoned Russia’s ambassador to demand a withdrawal.", False),
    ("Officials in Seoul said nothing on Tuesday", False),
])
def test_extract_is_headline(line, expected):
    assert is_headline(line) is expected


def test_tables_are_data_files():
    t = tables()
    assert t.demonyms["North Korean"] == "North Korea"
    assert t.aliases["U.S."] == "United States"
    assert "President" in t.titles and "Defense" in t.modifiers and "Kyiv" in t.places
    assert t.senses["Georgia"].suffixes == ("us", "country")


@pytest.mark.parametrize(("loader", "file", "content", "message"), [
    (names._pairs, "aliases.tsv", "# comment\nU.S.\tUnited States\nUK United Kingdom\n",
     "textmill_entities/data/aliases.tsv:3: expected 2 fields"),
    (names._pairs, "demonyms.tsv", "\nKenyan\tKenya\textra\n",
     "textmill_entities/data/demonyms.tsv:2: expected 2 fields"),
])
def test_names_data_file_errors_name_file_and_line(monkeypatch, tmp_path, loader, file, content,
                                                    message):
    (tmp_path / file).write_text(content, encoding="utf-8")
    monkeypatch.setattr(names, "data_file", lambda package, *parts: tmp_path / parts[-1])
    with pytest.raises(DataFileError) as info:
        loader(file)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(("text", "message"), [
    ("Georgia\tus\tAtlanta\n", "senses.tsv:1: 'Georgia' has one sense"),
    ("Georgia\tus\tAtlanta\nGeorgia\tUS State\tTbilisi\n", "senses.tsv:2: key suffix"),
    ("Georgia\tus\tAtlanta\nGeorgia\tus\tTbilisi\n", "senses.tsv:2: sense 'us'"),
    ("Georgia\tus\tAtlanta |  | Macon\nGeorgia\tcountry\tTbilisi\n", "senses.tsv:1: empty cue"),
    ("Georgia\tus\tAtlanta\nGeorgia\tcountry\tTbilisi | Atlanta\n",
     "senses.tsv:2: cue 'Atlanta'"),
])
def test_names_senses_errors(text, message):
    with pytest.raises(DataFileError) as info:
        senses(parse_data_text(text, name="senses.tsv", columns=3))
    assert str(info.value).startswith(message)


# --- corpus-wide keys, no model -------------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("Volodymyr Zelensky", "volodymyr-zelensky"),
    ("Recep Tayyip Erdoğan", "recep-tayyip-erdogan"),
    ("Łukasz Żak", "lukasz-zak"),
    ("Зеленський", "зеленський"),
    ("Beto O'Rourke", "beto-orourke"),
    ("St. Petersburg", "st-petersburg"),
    ("George W. Bush", "george-w-bush"),
    ("Jean-Pierre Raffarin", "jean-pierre-raffarin"),
    ("WASHINGTON", "washington"),
])
def test_keys_slug(name, expected):
    assert slug(name) == expected


# The README's rule: <kind>:<slug of the cluster's name>; aliases give their canonical name,
# plural groups their member, ambiguous places a sense from the document's cues.
@pytest.mark.parametrize(("name", "label", "text", "expected"), [
    ("Volodymyr Zelensky", "PERSON", "", "person:volodymyr-zelensky"),
    ("Zelensky", "PERSON", "", "person:zelensky"),
    ("U.S.", "GPE", "", "place:united-states"),
    ("Britain", "GPE", "", "place:united-kingdom"),
    ("Europe", "LOC", "", "place:europe"),
    ("UN", "ORG", "", "org:united-nations"),
    ("Affordable Care Act", "LAW", "", "law:affordable-care-act"),
    ("Americans", "NORP", "", "norp:american"),
    ("Republicans", "NORP", "", "norp:republican"),
    ("Tories", "NORP", "", "norp:tory"),
    ("Swiss", "NORP", "", "norp:swiss"),
    ("Georgia", "GPE", "Voters in Atlanta, Georgia, lined up.", "place:georgia-us"),
    ("Georgia", "GPE", "Protests filled Tbilisi. Georgia's parliament met.",
     "place:georgia-country"),
    ("Georgia", "LOC", "Georgia, the former Soviet republic, voted.", "place:georgia-country"),
    ("Georgia", "GPE", "Georgia is on my mind.", "place:georgia"),
    ("Georgia", "GPE", "Flights from Atlanta to Tbilisi.", "place:georgia"),  # a tie
    ("Georgia", "GPE", "From Atlanta to Tbilisi and Batumi.", "place:georgia-country"),
    ("Georgia", "PERSON", "Georgia moved to Atlanta.", "person:georgia"),
])
def test_keys_key(name, label, text, expected):
    assert Keys(text, tables()).key(name, label) == expected


# --- clustering on hand-built Docs (spacy.blank, no trained model) -------------------------

@pytest.fixture(scope="module")
def blank():
    spacy = pytest.importorskip("spacy")
    return spacy.blank("en")


def blank_doc(nlp, text, ents):
    """A Doc of ``text`` with entities given as (substring, label, occurrence)."""
    doc = nlp(text)
    spans = []
    for sub, label, nth in ents:
        at = -1
        for _ in range(nth + 1):
            at = text.index(sub, at + 1)
        spans.append(doc.char_span(at, at + len(sub), label=label, alignment_mode="expand"))
    doc.ents = spans
    return doc


def blank_clusters(nlp, text, ents, labels=DEFAULT_LABELS):
    t = tables()
    doc = blank_doc(nlp, text, ents)
    found = doc_mentions(doc, labels=labels, stop_words=nlp.Defaults.stop_words, t=t)
    rows = build_clusters(found, labels=labels, min_count=1, t=t,
                          stop_words=nlp.Defaults.stop_words)
    return rows, clusters({"text": text, "entities": rows})


@pytest.mark.parametrize(("text", "ents", "expected"), [
    # the model's surname tagged ORG joins the person
    ("Rustem Umerov spoke. Umerov's aides agreed.",
     [("Rustem Umerov", "PERSON", 0), ("Umerov's", "ORG", 0)],
     {"Rustem Umerov": ["Rustem Umerov", "Umerov"]}),
    # a headline fragment is never an entity; the known name inside it is a mention
    ("Tensions Ripple Across Asia\n\nAsia is tense, officials said.",
     [("Tensions Ripple Across Asia", "PERSON", 0), ("Asia", "LOC", 1)],
     {"Asia": ["Asia", "Asia"]}),
    # spans crossing a line break and all-lowercase spans are junk
    ("Talks in Paris\nended.  the ministry said so.",
     [("Paris\nended", "GPE", 0), ("the ministry", "ORG", 0)], {}),
    # "Defense" of "Defense Minister" is not an organisation
    ("Defense Minister Rustem Umerov spoke.",
     [("Defense", "ORG", 0), ("Rustem Umerov", "PERSON", 0)],
     {"Rustem Umerov": ["Rustem Umerov"]}),
])
def test_cluster_blank_docs(blank, text, ents, expected):
    _, got = blank_clusters(blank, text, ents)
    assert got == expected


@pytest.mark.parametrize(("text", "ents", "expected"), [
    # a one-word ORG that starts or ends one longer ORG name; generic words never link
    ("Students at Hofstra University met. Hofstra said the University agreed.",
     [("Hofstra University", "ORG", 0), ("Hofstra", "ORG", 1), ("University", "ORG", 1)],
     {"Hofstra University": ["Hofstra", "Hofstra University"], "University": ["University"]}),
    # a transcript speaker glued to the next word; names stop at a colon
    ("WALLACE said so.\nWALLACE: Let me ask again.",
     [("WALLACE", "PERSON", 0), ("WALLACE: Let", "WORK_OF_ART", 0)],
     {"WALLACE": ["WALLACE", "WALLACE"]}),
    # a word glued to a name the document also has: "Rival", "Crooked"
    ("Hillary Clinton spoke. Rival Hillary Clinton laughed. He mocked Crooked Hillary Clinton.",
     [("Hillary Clinton", "PERSON", 0), ("Rival Hillary Clinton", "PERSON", 0),
      ("Crooked Hillary Clinton", "PERSON", 0)],
     {"Hillary Clinton": ["Hillary Clinton", "Hillary Clinton", "Hillary Clinton"]}),
    # an all-capitals dateline joins the ordinary spelling
    ("WASHINGTON (AP) — Officials in Washington met.",
     [("WASHINGTON", "GPE", 0), ("AP", "ORG", 0), ("Washington", "GPE", 0)],
     {"Washington": ["WASHINGTON", "Washington"], "AP": ["AP"]}),
    # a bare surname is the person named most often so far, not merely the latest one
    ("Hillary Clinton spoke. Hillary Clinton left. Her daughter Chelsea Clinton stayed. "
     "Clinton returned.",
     [("Hillary Clinton", "PERSON", 0), ("Hillary Clinton", "PERSON", 1),
      ("Chelsea Clinton", "PERSON", 0), ("Clinton", "PERSON", 3)],
     {"Hillary Clinton": ["Clinton", "Hillary Clinton", "Hillary Clinton"],
      "Chelsea Clinton": ["Chelsea Clinton"]}),
])
def test_cluster_blank_rules(blank, text, ents, expected):
    _, got = blank_clusters(blank, text, ents)
    assert got == expected


@pytest.mark.parametrize(("text", "ents", "demonym", "place"), [
    ("Americans voted across the United States.",
     [("Americans", "NORP", 0), ("United States", "GPE", 0)], "Americans", "United States"),
    ("Kenyan runners won in Kenya.", [("Kenyan", "NORP", 0), ("Kenya", "GPE", 1)],
     "Kenyan", "Kenya"),
    ("Ukrainian troops held Ukraine’s line.",
     [("Ukrainian", "GPE", 0), ("Ukraine", "GPE", 0)], "Ukrainian", "Ukraine"),
])
def test_cluster_blank_demonyms(blank, text, ents, demonym, place):
    rows, _ = blank_clusters(blank, text, ents)
    named = {r["name"]: r for r in rows}
    assert named[demonym]["label"] == "NORP"
    assert named[demonym]["related"] == [{"entity": named[place]["id"], "relation": "demonym_of"}]
    assert named[place]["related"] == [{"entity": named[demonym]["id"], "relation": "has_demonym"}]


@pytest.mark.parametrize(("text", "ents", "expected"), [
    # two people sharing a surname stay apart; the bare surname goes to the last one named
    ("Hillary Clinton spoke. Bill Clinton spoke. Clinton left.",
     [("Hillary Clinton", "PERSON", 0), ("Bill Clinton", "PERSON", 0),
      ("Clinton", "PERSON", 2)],
     {"Hillary Clinton": ["Hillary Clinton"], "Bill Clinton": ["Bill Clinton", "Clinton"]}),
    # a place is never a given name: Georgia the state is not Georgia Smith
    ("Georgia Smith moved to Georgia. Smith said so.",
     [("Georgia Smith", "PERSON", 0), ("Georgia", "GPE", 1), ("Smith", "PERSON", 1)],
     {"Georgia Smith": ["Georgia Smith", "Smith"], "Georgia": ["Georgia"]}),
    # a known place tagged GPE is not a surname, even when it is one (Lloyd Austin)
    ("Lloyd Austin flew to Austin. Officials in Austin met him.",
     [("Lloyd Austin", "PERSON", 0), ("Austin", "GPE", 1), ("Austin", "GPE", 2)],
     {"Lloyd Austin": ["Lloyd Austin"], "Austin": ["Austin", "Austin"]}),
])
def test_cluster_blank_no_link(blank, text, ents, expected):
    _, got = blank_clusters(blank, text, ents)
    assert got == expected


def keys_of(rows):
    return {row["name"]: row["key"] for row in rows}


# Documents are clustered one by one; the keys must agree across them. (text, entity spans)
# per document, then name -> key per document.
@pytest.mark.parametrize(("docs", "expected"), [
    # the same person named differently in different documents: one key
    ([("Volodymyr Zelensky spoke in Kyiv.",
       [("Volodymyr Zelensky", "PERSON", 0), ("Kyiv", "GPE", 0)]),
      ("President Volodymyr Zelensky met aides. Zelensky left.",
       [("President Volodymyr Zelensky", "PERSON", 0), ("Zelensky", "ORG", 1)]),
      ("Zelensky left.", [("Zelensky", "PERSON", 0)])],
     [{"Volodymyr Zelensky": "person:volodymyr-zelensky", "Kyiv": "place:kyiv"},
      {"Volodymyr Zelensky": "person:volodymyr-zelensky"},
      {"Zelensky": "person:zelensky"}]),  # never the full name: the bare surname's own key
    # two people sharing a surname in different documents stay apart
    ([("Hillary Clinton spoke in Ohio. Clinton left.",
       [("Hillary Clinton", "PERSON", 0), ("Ohio", "GPE", 0), ("Clinton", "PERSON", 1)]),
      ("Bill Clinton spoke in Iowa. Clinton left.",
       [("Bill Clinton", "PERSON", 0), ("Iowa", "GPE", 0), ("Clinton", "PERSON", 1)])],
     [{"Hillary Clinton": "person:hillary-clinton", "Ohio": "place:ohio"},
      {"Bill Clinton": "person:bill-clinton", "Iowa": "place:iowa"}]),
    # the state and the country, told apart by each document's cues; demonyms stay NORP
    ([("Georgia’s governor met voters in Atlanta. Georgia will vote in November.",
       [("Georgia", "GPE", 0), ("Atlanta", "GPE", 0), ("Georgia", "GPE", 1)]),
      ("Georgia, the former Soviet republic, held talks in Tbilisi. Georgian officials agreed.",
       [("Georgia", "GPE", 0), ("Tbilisi", "GPE", 0), ("Georgian", "NORP", 0)])],
     [{"Georgia": "place:georgia-us", "Atlanta": "place:atlanta"},
      {"Georgia": "place:georgia-country", "Tbilisi": "place:tbilisi",
       "Georgian": "norp:georgian"}]),
])
def test_cluster_blank_keys_across_documents(blank, docs, expected):
    results = [blank_clusters(blank, text, ents) for text, ents in docs]
    assert [keys_of(rows) for rows, _ in results] == expected
    # the bare surname stays in its document's cluster (the key never splits a cluster)
    for rows, got in results:
        for row in rows:
            if row["label"] == "PERSON" and " " in row["name"]:
                assert got[row["name"]] == sorted(
                    [row["name"]] + [m["text"] for m in row["mentions"][1:]])


@pytest.mark.parametrize(("text", "ents"), [
    ("Georgia, the former Soviet republic, held talks in Tbilisi. Georgian officials agreed.",
     [("Georgia", "GPE", 0), ("Tbilisi", "GPE", 0), ("Georgian", "NORP", 0)]),
])
def test_cluster_blank_keys_keep_demonym_links(blank, text, ents):
    rows, _ = blank_clusters(blank, text, ents)
    named = {r["name"]: r for r in rows}
    assert named["Georgian"]["key"] != named["Georgia"]["key"]
    assert named["Georgian"]["related"] == [
        {"entity": named["Georgia"]["id"], "relation": "demonym_of"}]


@pytest.mark.parametrize(("labels", "expected"), [
    (("PERSON",), ["Volodymyr Zelensky"]),
    (("GPE", "NORP"), ["Ukrainian", "Ukraine"]),
])
def test_cluster_labels_config(blank, labels, expected):
    text = "Ukrainian President Volodymyr Zelensky visited NATO in Ukraine."
    rows, _ = blank_clusters(blank, text, [
        ("Ukrainian", "NORP", 0), ("Volodymyr Zelensky", "PERSON", 0), ("NATO", "ORG", 0),
        ("Ukraine", "GPE", 0)], labels=labels)
    assert [r["name"] for r in rows] == expected
    assert [r["id"] for r in rows] == [f"e{i}" for i in range(1, len(rows) + 1)]


# --- config ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("config", "expected"), [
    ({}, DEFAULT_LABELS),
    ({"labels": ["person", "GPE", "PERSON"]}, ("PERSON", "GPE")),
    ({"labels": "ORG"}, ("ORG",)),
])
def test_step_config_labels(config, expected):
    assert EntitiesConfig.model_validate(config).labels == expected


@pytest.mark.parametrize(("config", "message"), [
    ({"labels": ["PERSN"]}, "Did you mean 'PERSON'?"),
    ({"labels": ["MONEY"]}, "numbers"),
    ({"labels": []}, "labels"),
    ({"min_count": 0}, "min_count"),
    ({"label": ["PERSON"]}, "Did you mean 'labels'?"),
])
def test_step_config_errors(config, message):
    with pytest.raises(PipelineError) as info:
        pipeline_from_dict({"textmill": 1, "name": "t",
                            "steps": [{"use": "entities", "config": config}]})
    assert message in str(info.value)
    assert "steps.0.config" in str(info.value)


@pytest.mark.parametrize("module", ["textmill_entities", "textmill_entities.step",
                                    "textmill_entities.lookup"])
def test_step_imports_without_spacy(module):
    code = f"import sys, {module}; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# --- EntityIndex ----------------------------------------------------------------------------

INDEX_ROWS = [
    {"id": "e1", "name": "Volodymyr Zelensky", "label": "PERSON", "count": 2,
     "mentions": [{"start": 10, "end": 28, "text": "Volodymyr Zelensky"},
                  {"start": 100, "end": 108, "text": "Zelensky"}]},
    {"id": "e2", "name": "United Nations", "label": "ORG", "count": 2,
     "mentions": [{"start": 40, "end": 54, "text": "United Nations"},
                  {"start": 120, "end": 122, "text": "UN"}]},
    {"id": "e3", "name": "Hillary Clinton", "label": "PERSON", "count": 1,
     "mentions": [{"start": 60, "end": 75, "text": "Hillary Clinton"}]},
    {"id": "e4", "name": "Bill Clinton", "label": "PERSON", "count": 1,
     "mentions": [{"start": 80, "end": 92, "text": "Bill Clinton"}]},
    {"id": "e5", "name": "United States", "label": "GPE", "count": 1,
     "mentions": [{"start": 130, "end": 143, "text": "United States"}]},
    {"id": "e6", "name": "Ukrainian", "label": "NORP", "count": 1,
     "mentions": [{"start": 0, "end": 9, "text": "Ukrainian"}]},
]


@pytest.mark.parametrize(("span", "labels", "expected"), [
    ((10, 28), None, "e1"),         # exactly a mention
    ((15, 20), None, "e1"),         # inside a mention
    ((0, 28), None, "e1"),          # "Ukrainian President Volodymyr Zelensky": the longer one
    ((0, 28), {"NORP"}, "e6"),
    ((0, 9), {"PERSON"}, None),
    ((29, 39), None, None),         # between mentions
    ((121, 121), None, "e2"),       # an empty span inside "UN"
])
def test_lookup_at(span, labels, expected):
    assert EntityIndex(INDEX_ROWS).at(*span, labels=labels) == expected


@pytest.mark.parametrize(("text", "near", "expected"), [
    ("Zelensky", None, "e1"),
    ("President Zelensky’s", None, "e1"),
    ("Volodymyr", None, "e1"),
    ("the UN", None, "e2"),
    ("U.N.", None, "e2"),
    ("U.S.", None, "e5"),
    ("Clinton", None, None),        # two Clintons and no position: ambiguous
    ("Clinton", 78, "e3"),
    ("Clinton", 95, "e4"),
    ("Boris Johnson", None, None),
])
def test_lookup_by_name(text, near, expected):
    assert EntityIndex(INDEX_ROWS).by_name(text, near=near) == expected


@pytest.mark.parametrize("entities", [None, []])
def test_lookup_empty(entities):
    index = EntityIndex(entities)
    assert len(index) == 0
    assert (index.at(0, 5), index.by_name("Zelensky"), index.last_before(9)) == (None,) * 3


@pytest.mark.parametrize(("offset", "labels", "expected"), [
    (99, {"PERSON"}, "e4"), (59, {"PERSON"}, "e1"), (59, None, "e2"), (5, None, None)])
def test_lookup_last_before(offset, labels, expected):
    assert EntityIndex(INDEX_ROWS).last_before(offset, labels=labels) == expected


# --- the real model -------------------------------------------------------------------------

MODEL_CASES = [
    # possessives, either apostrophe
    ("North Korea’s leader met officials. North Korea's army is large.",
     {"North Korea": ["North Korea", "North Korea"]}),
    # titles and honorifics stay out of the name; surname linked to full name
    ("President Joe Biden spoke on Monday. Biden said the plan would work. "
     "Mr. Biden then left for Delaware.",
     {"Joe Biden": ["Biden", "Biden", "Joe Biden"], "Delaware": ["Delaware"]}),
    ("Dr. Anthony Fauci warned about the virus. Fauci said masks help.",
     {"Anthony Fauci": ["Anthony Fauci", "Fauci"]}),
    ("Sen. Elizabeth Warren criticized the bill. Warren said it favored banks.",
     {"Elizabeth Warren": ["Elizabeth Warren", "Warren"]}),
    ("Ukrainian Defense Minister Rustem Umerov visited Washington. Umerov met officials.",
     {"Rustem Umerov": ["Rustem Umerov", "Umerov"], "Ukrainian": ["Ukrainian"],
      "Washington": ["Washington"]}),
    ("Secretary of State Antony Blinken flew to Kyiv. Blinken met President Volodymyr "
     "Zelensky. Zelensky thanked him.",
     {"Antony Blinken": ["Antony Blinken", "Blinken"], "Kyiv": ["Kyiv"],
      "Volodymyr Zelensky": ["Volodymyr Zelensky", "Zelensky"]}),
    ("Prime Minister Keir Starmer addressed Parliament. Starmer's speech was brief.",
     {"Keir Starmer": ["Keir Starmer", "Starmer"], "Parliament": ["Parliament"]}),
    # given name alone
    ("Hillary Clinton campaigned in Florida on Monday. Hillary told supporters she would win.",
     {"Hillary Clinton": ["Hillary", "Hillary Clinton"], "Florida": ["Florida"]}),
    # a surname the model tags as a place
    ("Emmanuel Macron met Olaf Scholz in Berlin. Macron said Europe must act, and Scholz "
     "agreed.",
     {"Emmanuel Macron": ["Emmanuel Macron", "Macron"], "Olaf Scholz": ["Olaf Scholz", "Scholz"],
      "Berlin": ["Berlin"], "Europe": ["Europe"]}),
    # a repeat the model does not tag
    ("Elon Musk said Tesla would expand. Musk's company reported profits.",
     {"Elon Musk": ["Elon Musk", "Musk"], "Tesla": ["Tesla"]}),
    # acronyms and their expansions
    ("The United Nations met in Geneva. The UN said aid was needed.",
     {"United Nations": ["UN", "United Nations"], "Geneva": ["Geneva"]}),
    ("Officials in the U.S. said the United States would respond.",
     {"United States": ["U.S.", "United States"]}),
    ("The European Union imposed sanctions. The EU said more would follow.",
     {"European Union": ["EU", "European Union"]}),
    ("The North Atlantic Treaty Organization (NATO) met in Brussels. NATO leaders agreed.",
     {"North Atlantic Treaty Organization": ["NATO", "NATO", "North Atlantic Treaty Organization"],
      "Brussels": ["Brussels"]}),
    ("The World Health Organization warned of an outbreak. The WHO said cases had doubled.",
     {"World Health Organization": ["WHO", "World Health Organization"]}),
    # headlines never fuse into entities
    ("Tensions Ripple Across Asia\n\nSouth Korea summoned the Russian ambassador on Tuesday.",
     {"South Korea": ["South Korea"], "Russian": ["Russian"]}),
    ("Brussels Weighs New Sanctions On Moscow\n\nThe European Union is weighing new sanctions "
     "on Russia, diplomats in Brussels said.",
     {"Brussels": ["Brussels", "Brussels"], "European Union": ["European Union"],
      "Russia": ["Russia"]}),
    # laws and works are entities; numbers are not
    ("The Affordable Care Act was debated in Congress. Lawmakers discussed the Affordable "
     "Care Act again.",
     {"Affordable Care Act": ["Affordable Care Act", "Affordable Care Act"],
      "Congress": ["Congress"]}),
    ("Stocks fell 3% on Monday as the Federal Reserve raised rates by 0.5 points, the Fed said.",
     {"Federal Reserve": ["Fed", "Federal Reserve"]}),
    # two people sharing a surname are two clusters
    ("Hillary Clinton met donors in Ohio. Bill Clinton spoke later in Iowa.",
     {"Hillary Clinton": ["Hillary Clinton"], "Bill Clinton": ["Bill Clinton"],
      "Ohio": ["Ohio"], "Iowa": ["Iowa"]}),
    ("Mr. John Smith and Mrs. Jane Smith arrived in London. John Smith said the trip was long.",
     {"John Smith": ["John Smith", "John Smith"], "Jane Smith": ["Jane Smith"],
      "London": ["London"]}),
    # Georgia the place and Georgia the given name
    ("Georgia Smith, a teacher, moved to Georgia last year. Smith said the state was "
     "welcoming.",
     {"Georgia Smith": ["Georgia Smith", "Smith"], "Georgia": ["Georgia"]}),
]


@pytest.mark.model
@pytest.mark.parametrize(("text", "expected"), MODEL_CASES)
def test_entities_model_clusters(run_steps, text, expected):
    (record,) = run_steps(ENTITIES, [text])
    assert record["errors"] == []
    assert clusters(record) == expected


@pytest.mark.model
@pytest.mark.parametrize(("text", "names", "related"), [
    ("North Korean soldiers crossed into Russia. North Korea denied it.",
     ("North Korean", "North Korea"), True),
    ("Georgia and Armenia held talks in Tbilisi. Georgian officials welcomed the plan.",
     ("Georgian", "Georgia"), True),
    ("American diplomats met officials in the U.S. capital.", ("American", "U.S."), True),
    ("Russian troops massed near Ukraine.", ("Russian", "Ukraine"), False),
])
def test_entities_model_demonyms(run_steps, text, names, related):
    (record,) = run_steps(ENTITIES, [text])
    demonym, place = by_name(record, names[0]), by_name(record, names[1])
    assert demonym["label"] == "NORP"
    links = {"entity": place["id"], "relation": "demonym_of"} in demonym["related"]
    back = {"entity": demonym["id"], "relation": "has_demonym"} in place["related"]
    assert links is related and back is related


@pytest.mark.model
@pytest.mark.parametrize(("text", "expected"), [
    ("Georgia’s parliament met in Tbilisi. Georgia asked the EU for talks.", "country"),
    ("Georgia’s governor met voters in Atlanta. Georgia will vote in November.", "state"),
])
def test_entities_model_one_sense_per_document(run_steps, text, expected):
    """Rule: one name is one cluster within a document, and its key names the sense that the
    document's cues give (README: the state is place:georgia-us, the country
    place:georgia-country)."""
    (record,) = run_steps(ENTITIES, [text])
    assert clusters(record)["Georgia"] == ["Georgia", "Georgia"]
    key = {"country": "place:georgia-country", "state": "place:georgia-us"}[expected]
    assert by_name(record, "Georgia")["key"] == key


# Several documents through the real model at once; name -> key per document.
@pytest.mark.model
@pytest.mark.parametrize(("texts", "expected"), [
    (["Volodymyr Zelensky spoke in Kyiv on Monday.",
      "President Volodymyr Zelensky met his aides. Zelensky said the talks went well.",
      "Zelensky said the talks went well."],
     [{"Volodymyr Zelensky": "person:volodymyr-zelensky"},
      {"Volodymyr Zelensky": "person:volodymyr-zelensky"},
      {"Zelensky": "person:zelensky"}]),
    (["Hillary Clinton met donors in Ohio. Clinton said the race was close.",
      "Bill Clinton spoke later in Iowa. Clinton said the race was close."],
     [{"Hillary Clinton": "person:hillary-clinton"}, {"Bill Clinton": "person:bill-clinton"}]),
    (["Georgia’s governor met voters in Atlanta. Georgia will vote in November.",
      "Georgia, the former Soviet republic, held elections. Protesters in Tbilisi said "
      "Georgian officials had lied."],
     [{"Georgia": "place:georgia-us"},
      {"Georgia": "place:georgia-country", "Georgian": "norp:georgian"}]),
])
def test_entities_model_keys_across_documents(run_steps, texts, expected):
    records = run_steps(ENTITIES, texts)
    for record, want in zip(records, expected, strict=True):
        got = {row["name"]: row["key"] for row in record["entities"]}
        assert {name: got.get(name) for name in want} == want
        # every person is listed: a bare surname beside its full name has no key of its own
        assert {n: k for n, k in got.items() if k.startswith("person:")} == {
            n: k for n, k in want.items() if k.startswith("person:")}


@pytest.mark.model
def test_entities_model_seed(run_steps, seed_text):
    (record,) = run_steps(ENTITIES, [seed_text])
    got = clusters(record)
    rows = {row["name"]: row for row in record["entities"]}
    for name, surface in [("Volodymyr Zelensky", "Zelensky"), ("Rustem Umerov", "Umerov"),
                          ("Vladimir Putin", "Putin"), ("Jens Stoltenberg", "Stoltenberg"),
                          ("NATO", "NATO"), ("Russia", "Russia"), ("Ukraine", "Ukraine"),
                          ("North Korea", "North Korea"), ("South Korea", "South Korea")]:
        assert name in got, name
        # every occurrence of the name in the text is a mention of this one cluster
        starts = {m["start"] + m["text"].index(surface) for m in rows[name]["mentions"]
                  if surface in m["text"]}
        for match in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", seed_text):
            at = match.start()
            assert at in starts, (name, seed_text[at - 30:at + 30])
    assert rows["Volodymyr Zelensky"]["label"] == "PERSON"
    assert "Zelensky" in got["Volodymyr Zelensky"] and rows["Volodymyr Zelensky"]["count"] == 2
    assert rows["United States"]["count"] >= 3 and "U.S." in got["United States"]
    assert "UN" in got["United Nations"]
    # no headline fragment becomes an entity
    headlines = [ln for ln in seed_text.splitlines() if is_headline(ln)]
    assert len(headlines) >= 8
    for row in record["entities"]:
        assert not any(row["name"] in h and row["name"] not in seed_text.replace(h, "")
                       for h in headlines), row["name"]
    for bad in ("Tensions Ripple Across Asia", "Broader Security Concerns", "Footprint"):
        assert not any(bad in name for name in got)
    ids = [row["id"] for row in record["entities"]]
    assert ids == [f"e{i}" for i in range(1, len(ids) + 1)]
    firsts = [row["mentions"][0]["start"] for row in record["entities"]]
    assert firsts == sorted(firsts)
    top = max(record["entities"], key=lambda r: r["salience"])
    assert top["name"] in ("North Korea", "North Korean")


@pytest.mark.model
@pytest.mark.parametrize(("config", "absent", "present"), [
    ({"min_count": 2}, "Delaware", "Joe Biden"),
    ({"labels": ["GPE"]}, "Joe Biden", "Delaware"),
])
def test_entities_model_config(run_steps, config, absent, present):
    text = "President Joe Biden spoke on Monday. Biden then left for Delaware."
    (record,) = run_steps([{"use": "entities", "config": config}], [text])
    got = clusters(record)
    assert absent not in got and present in got
