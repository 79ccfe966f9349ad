"""Tests of the quotes step: mark pairing and lexicon (no model), constructions (real model)."""

from __future__ import annotations

import sys

import pytest

from textmill_quotes.lexicon import load_cues, parse_cues
from textmill_quotes.marks import find_quotes

STEPS = [{"use": "entities"}, {"use": "quotes"}]


def _contents(text):
    return [[text[s:e] for s, e in run.spans] for run in find_quotes(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("He said: “We will win.” Then he left.", [["We will win."]]),
    ('"Straight quotes work," she said.', [["Straight quotes work"]]),
    ("A stray ” mark. “Then a real quote.”", [["Then a real quote."]]),
    ("“Opened here.\n\n“And continued here.”", [["Opened here.", "And continued here."]]),
    ("“Never closed\n\nNext paragraph. “Fine.”", [["Never closed"], ["Fine."]]),
    ("''Doubled apostrophes,'' he said.", [["Doubled apostrophes"]]),
    ("No marks at all.", []),
])
def test_marks_pairing(text, expected):
    assert _contents(text) == expected


@pytest.mark.parametrize(("line", "message"), [
    ("say\tspeech", "expected 'lemma<TAB>class<TAB>complements'"),
    ("say\tnoise\tccomp", "expected 'lemma<TAB>class<TAB>complements'"),
    ("say\tspeech\tnsubj", "unknown complement 'nsubj'"),
])
def test_lexicon_rejects_bad_lines(line, message):
    with pytest.raises(ValueError, match=message):
        parse_cues(line, source="x.tsv")


@pytest.mark.parametrize(("lemma", "cls"), [("say", "speech"), ("believe", "belief"),
                                            ("want", "intent"), ("find", "evidence"),
                                            ("refer", "topic")])
def test_lexicon_shipped_classes(lemma, cls):
    assert load_cues()[lemma].cls == cls


@pytest.mark.parametrize(("config", "ok"), [({"min_words": 3}, True), ({"min_word": 3}, False),
                                            ({"kinds": ["direct"]}, True),
                                            ({"kinds": ["quoted"]}, False)])
def test_step_config_validation(config, ok):
    from textmill_quotes.step import QuotesConfig

    if ok:
        QuotesConfig(**config)
    else:
        with pytest.raises(ValueError):
            QuotesConfig(**config)


def test_step_module_does_not_import_spacy():
    before = "spacy" in sys.modules
    import textmill_quotes.step  # noqa: F401

    assert before or "spacy" not in sys.modules


def _run(run_steps, text, steps=STEPS):
    record = run_steps(steps, [text])[0]
    assert record["errors"] == []
    return record


def _check_offsets(record):
    text = record["text"]
    for n, q in enumerate(record["quotes"], 1):
        assert q["id"] == f"q{n}"
        assert q["start"] == q["spans"][0][0] and q["end"] == q["spans"][-1][1]
        for part in ("speaker", "cue"):
            if q[part] is not None:
                assert text[q[part]["start"]:q[part]["end"]] == q[part]["text"]


# (text, kind, content fragments, speaker text, cue lemma)
CONSTRUCTIONS = [
    # curly marks, speaker after
    ("“The budget will be balanced by next spring,” Maria Lopez said.",
     "direct", ["The budget will be balanced by next spring"], "Maria Lopez", "say"),
    # straight marks, speaker before with a colon
    ('The governor said: "We are opening three new clinics this year."',
     "direct", ["We are opening three new clinics this year."], "The governor", "say"),
    # inverted "..., said X"
    ("“Nobody expected the vote to be this close,” said Daniel Okafor, a party official.",
     "direct", ["Nobody expected the vote to be this close"], "Daniel Okafor", "say"),
    # split quote: one quote, two spans
    ("“We tried everything,” she added, “but the money simply ran out.”",
     "direct", ["We tried everything", "but the money simply ran out."], "she", "add"),
    # multi-sentence quote
    ("“The plant will close. Two hundred people will lose their jobs. It is a sad day,” "
     "the mayor said.",
     "direct", ["The plant will close. Two hundred people will lose their jobs. It is a sad day"],
     "the mayor", "say"),
    # indirect: X said that ...
    ("Peter Novak said that the bridge would reopen in March.",
     "indirect", ["that the bridge would reopen in March"], "Peter Novak", "say"),
    # indirect: X told reporters ...
    ("The minister told reporters the talks had collapsed overnight.",
     "indirect", ["the talks had collapsed overnight"], "The minister", "tell"),
    # indirect: according to X
    ("According to the city auditor, the project is two years behind schedule.",
     "indirect", ["the project is two years behind schedule"], "the city auditor",
     "according to"),
    # indirect: ..., X said. at the end
    ("The factory will hire forty workers next year, officials said.",
     "indirect", ["The factory will hire forty workers next year"], "officials", "say"),
    # wider cues: warn, argue, insist
    ("Economists warned that inflation could rise again in the autumn.",
     "indirect", ["that inflation could rise again in the autumn"], "Economists", "warn"),
    ("The union argued that the new contract was unfair to nurses.",
     "indirect", ["that the new contract was unfair to nurses"], "The union", "argue"),
    # mixed: reported clause with a quoted fragment
    ("Ana Silva said the decision was “a betrayal of every voter” in the region.",
     "mixed", ["the decision was “a betrayal of every voter” in the region"], "Ana Silva", "say"),
    # object with predicative: "called X a Y"
    ("The council leader called the new tax “a gift to landlords.”",
     "mixed", ["the new tax “a gift to landlords.”"], "The council leader", "call"),
    # cue with an object: "cited X"
    ("The auditor cited rising fuel costs and a shortage of drivers.",
     "indirect", ["rising fuel costs and a shortage of drivers"], "The auditor", "cite"),
    # a gerund after a prepositional cue: "called for cutting ..."
    ("The senator has called for sharply cutting the sales tax on bread.",
     "indirect", ["sharply cutting the sales tax on bread"], "The senator", "call"),
    # an "as"-clause cue: the host clause is what was said
    ("As the inspector pointed out, the school has not repaired its roof since 2019.",
     "indirect", ["the school has not repaired its roof since 2019"], "the inspector", "point"),
    # a trailing participial clause belongs to the reported content
    ("The planner said the tunnel would open in June, allowing drivers to avoid the centre.",
     "indirect", ["the tunnel would open in June, allowing drivers to avoid the centre"],
     "The planner", "say"),
    # a name as the whole object of an object cue
    ("The farmers' union endorsed Garcia.",
     "indirect", ["Garcia"], "The farmers' union", "endorse"),
    # a cue deep inside the content is part of what was reported
    ("The sergeant said the driver had left when officers stopped a van and told its owner "
     "to wait.", "indirect",
     ["the driver had left when officers stopped a van and told its owner to wait"],
     "The sergeant", "say"),
    # prepositional and object cues: speak about, respond to, express
    ("The minister spoke about the need for cheaper housing in the north.",
     "indirect", ["the need for cheaper housing in the north"], "The minister", "speak"),
    ("The hospital responded to criticism of its long waiting times.",
     "indirect", ["criticism of its long waiting times"], "The hospital", "respond"),
    ("Several farmers expressed concern about the new water rules.",
     "indirect", ["concern about the new water rules"], "Several farmers", "express"),
    ("The coach warned against cutting the youth programme.",
     "indirect", ["cutting the youth programme"], "The coach", "warn"),
    # a second cue with no clause of its own stays in the content
    ("The neighbours said he played loud music every night and talked about his old band.",
     "indirect", ["he played loud music every night and talked about his old band"],
     "The neighbours", "say"),
    # noun cues with a "that"-clause: the possessor or a light verb's subject speaks
    ("Contrary to his claim that the factory would stay open, the owner sold it.",
     "indirect", ["that the factory would stay open"], "his", "claim"),
    ("The mayor made the argument that the stadium would pay for itself.",
     "indirect", ["that the stadium would pay for itself"], "The mayor", "argument"),
    # bare or -ing conjuncts the parser hangs on a finite cue continue the content
    ("She wants to triple the size of the program, grow the Peace Corps and create a new "
     "reserve program.", "indirect",
     ["to triple the size of the program, grow the Peace Corps and create a new reserve "
      "program"], "She", "want"),
    ("He has mentioned refinancing student loans and forcing universities to spend more.",
     "indirect", ["refinancing student loans and forcing universities to spend more"], "He",
     "mention"),
    # belief cues that need an object with a predicative: view/see X as Y
    ("Many farmers view the new dam as a threat to their water supply.",
     "indirect", ["the new dam as a threat to their water supply"], "Many farmers", "view"),
    # topic cues: what was referred to or highlighted
    ("The report referred to a sharp rise in rents across the region.",
     "indirect", ["a sharp rise in rents across the region"], "The report", "refer"),
    ("The mayor highlighted the drop in traffic accidents near schools.",
     "indirect", ["the drop in traffic accidents near schools"], "The mayor", "highlight"),
    # evaluative object cues and "ask about"
    ("The council blamed the city's water company for the floods.",
     "indirect", ["the city's water company for the floods"], "The council", "blame"),
    ("The moderator asked the candidate about her plans for the railway.",
     "indirect", ["her plans for the railway"], "The moderator", "ask"),
    # a passive object cue: the subject is the content, the "by" object the speaker
    ("Garcia has been endorsed by the farmers' union.",
     "indirect", ["Garcia"], "the farmers' union", "endorse"),
    ("The new housing plan is supported by most tenants.",
     "indirect", ["The new housing plan"], "most tenants", "support"),
    # an evaluative cue's reason phrase belongs to the content
    ("During the rally, Garcia attacked Moreno for his record on schools.",
     "indirect", ["Moreno for his record on schools"], "Garcia", "attack"),
    # predicate adjectives of stance: the copula's subject speaks
    ("Graham has been critical of Moreno since the primaries.",
     "indirect", ["Moreno"], "Graham", "critical"),
    ("The minister is confident that the budget will pass.",
     "indirect", ["that the budget will pass"], "The minister", "confident"),
    # noun cues with a "to"-infinitive
    ("Her decision to close the clinic on weekends angered many patients.",
     "indirect", ["to close the clinic on weekends"], "Her", "decision"),
]


@pytest.mark.model
@pytest.mark.parametrize(("text", "kind", "fragments", "speaker", "lemma"), CONSTRUCTIONS)
def test_quotes_constructions(run_steps, text, kind, fragments, speaker, lemma):
    record = _run(run_steps, text)
    _check_offsets(record)
    quotes = [q for q in record["quotes"] if q["kind"] == kind]
    assert quotes, record["quotes"]
    q = quotes[0]
    assert [text[s:e] for s, e in q["spans"]] == fragments
    assert q["speaker"] is not None and q["speaker"]["text"] == speaker
    assert q["cue"] is not None and q["cue"]["lemma"] == lemma


@pytest.mark.model
@pytest.mark.parametrize(("text", "expected"), [
    # a paragraph opening a quote it does not close, continued by the next paragraph's mark
    ("“The first part of the statement runs on,” said Lena Berg. “We will keep going.\n\n"
     "“And the second paragraph finishes the thought.”",
     ["We will keep going.", "And the second paragraph finishes the thought."]),
])
def test_quotes_run_over_paragraphs(run_steps, text, expected):
    record = _run(run_steps, text)
    fragments = [[text[s:e] for s, e in q["spans"]] for q in record["quotes"]]
    assert any(all(part in frs for part in expected) for frs in fragments), fragments


@pytest.mark.model
@pytest.mark.parametrize(("text", "subject", "content"), [
    # an agentless passive leaves its source unnamed: the subject is not the speaker
    ("The mayor has been criticized for the long delays at the new station.", "The mayor",
     "the long delays at the new station"),
    ("The new bridge is expected to open before the winter.", "The new bridge",
     "to open before the winter"),
])
def test_quotes_agentless_passive_has_no_speaker(run_steps, text, subject, content):
    record = _run(run_steps, text)
    _check_offsets(record)
    quotes = [q for q in record["quotes"] if content in q["text"]]
    assert quotes, record["quotes"]
    assert quotes[0]["kind"] == "indirect" and quotes[0]["speaker"] is None
    assert text[slice(*quotes[0]["spans"][0])] == subject  # what is said is said of it


@pytest.mark.model
@pytest.mark.parametrize(("text", "absent"), [
    # a cue with no one behind it is an adjunct, not reported speech
    ("Knowing how much the repair costs helps families plan their budgets.",
     "how much the repair costs"),
    # a noun cue with no holder: nobody's claim is reported
    ("There are fears that the strike could spread to other ports.",
     "the strike could spread"),
    ("There were plans to build a second bridge over the river.", "to build a second bridge"),
    # an adjective with no one behind it
    ("The weather was sure to improve by the weekend.", "to improve by the weekend"),
])
def test_quotes_speakerless_cues_ignored(run_steps, text, absent):
    record = _run(run_steps, text)
    assert all(absent not in q["text"] for q in record["quotes"]), record["quotes"]


@pytest.mark.model
@pytest.mark.parametrize(("text", "absent"), [
    # scare quotes and titles with no speech cue are not quotes
    ("The embassy condemned what it called “aggression” on the border.", "aggression"),
    ("She starred in “The Long Road Home” last year.", "The Long Road Home"),
])
def test_quotes_scare_quotes_ignored(run_steps, text, absent):
    record = _run(run_steps, text)
    assert all(q["kind"] != "direct" or absent not in q["text"] for q in record["quotes"])


@pytest.mark.model
@pytest.mark.parametrize(("text", "expected"), [
    # unbalanced marks early on never derail the quotes after them
    ("A stray “ mark opens nothing here.\n\n“The river is rising fast,” said Omar Haddad.",
     "The river is rising fast"),
    ("He wrote ” by mistake.\n\n“We need sandbags now,” the fire chief said.",
     "We need sandbags now"),
])
def test_quotes_unbalanced_marks(run_steps, text, expected):
    record = _run(run_steps, text)
    assert any(q["text"] == expected for q in record["quotes"]), record["quotes"]


@pytest.mark.model
@pytest.mark.parametrize(("text", "speaker", "linked"), [
    # pronoun resolved to the last person
    ("Senator Clara Wu visited the port on Monday. “Trade will recover,” she said.",
     "she", "Clara Wu"),
    # nominal role resolved to the last person
    ("Defence Minister Ivan Petrov met the press. The minister said the army was ready.",
     "The minister", "Ivan Petrov"),
    # an anonymous nominal speaker keeps its text and no entity
    ("Jorge Mendes lost the vote. A source said the party would appeal.", "A source", None),
    ("Jorge Mendes lost the vote. Officials said the count was accurate.", "Officials", None),
])
def test_quotes_speaker_linking(run_steps, text, speaker, linked):
    record = _run(run_steps, text)
    names = {e["id"]: e["name"] for e in record["entities"]}
    q = next(q for q in record["quotes"] if q["speaker"] and q["speaker"]["text"] == speaker)
    assert (names.get(q["speaker"]["entity"]) if q["speaker"]["entity"] else None) == linked


@pytest.mark.model
@pytest.mark.parametrize(("config", "kinds"), [({"kinds": ["direct"]}, {"direct"}),
                                               ({"kinds": ["indirect"]}, {"indirect"})])
def test_quotes_kinds_option(run_steps, config, kinds):
    text = ("“The dam is safe,” said engineer Rosa Kim. Officials said the road would reopen "
            "on Friday.")
    record = _run(run_steps, text, [{"use": "entities"}, {"use": "quotes", "config": config}])
    assert record["quotes"] and {q["kind"] for q in record["quotes"]} == kinds


@pytest.mark.model
@pytest.mark.parametrize(("text", "fragments", "speaker"), [
    # a quote following "..., X said." in the same paragraph continues the attribution
    ("“The harvest was the worst in years,” said Amara Diallo. “Many farms will not survive.”",
     ["The harvest was the worst in years", "Many farms will not survive."], "Amara Diallo"),
    # a dash line names the speaker
    ("“We want a fair wage and safe roads.” ― Lucia Ferreira\n",
     ["We want a fair wage and safe roads."],
     "Lucia Ferreira"),
    # a title quoted after the cue does not stop the next quote from following on
    ("“The port will reopen next week,” Omar Haddad said on “Morning Report.” “We have "
     "cleared the wreck.”", ["The port will reopen next week", "We have cleared the wreck."],
     "Omar Haddad"),
    # a colon without a cue: the introducing sentence's subject
    ("The senator made the following remark:\n\n“Every child in this state deserves a warm "
     "meal at school.”", ["Every child in this state deserves a warm meal at school."],
     "The senator"),
    # a name and a dash before the quotation
    ("The treaty was debated for hours. Ruth Adler — “It is a mistake to walk away from the "
     "treaty now.”", ["It is a mistake to walk away from the treaty now."], "Ruth Adler"),
    # a quotation opened inside reported content runs on to its closing mark
    ("Pavel Horak said he had worked in the mines “for forty years, knowing that nobody would "
     "thank us.”", ["he had worked in the mines “for forty years, knowing that nobody would "
                    "thank us.”"], "Pavel Horak"),
    # a transcript's speaker label inside the quotation
    ('"HOST: Welcome back to the programme, everyone. Let us begin with the budget."',
     ["Welcome back to the programme, everyone. Let us begin with the budget."], "HOST"),
])
def test_quotes_follow_on_dash_and_label(run_steps, text, fragments, speaker):
    record = _run(run_steps, text)
    _check_offsets(record)
    q = record["quotes"][0]
    assert [text[s:e] for s, e in q["spans"]] == fragments
    assert q["speaker"]["text"] == speaker


@pytest.mark.model
@pytest.mark.parametrize(("text", "speaker"), [
    # a document issued by someone speaks for its issuer
    ("The agency issued a statement saying that the water was safe to drink.", "The agency"),
    ("The group released a report that says the river is badly polluted.", "The group"),
    # a speech event on the speaker's verb
    ("The mayor spoke at a press conference announcing that the bridge would close in May.",
     "The mayor"),
    # object control: the object of "forced" is who admits
    ("The senator forced the banker to admit that the fees had been hidden from customers.",
     "the banker"),
    # a participle under "stopped short of" inherits the clause's subject
    ("Critics stopped short of calling the deal a failure.", "Critics"),
    # a name with a long apposition before the cue
    ("Lena Ortiz, the director of the city museum, told a reporter that the collection "
     "would move.", "Lena Ortiz"),
    # "according to a speech X gave": the one who gave it
    ("The plan will cut costs, according to a speech Nadia Rahman gave in Leeds last spring.",
     "Nadia Rahman"),
    # a participle on "one" speaks for that one
    ("The forum removed a post after readers flagged one saying that the election had been "
     "rigged.", "one"),
    # "criticized X for saying": X says
    ("The board criticized Tom Beck for saying that the audit was a waste of time.",
     "Tom Beck"),
    # a fronted purpose clause does not hide the named speaker before the cue
    ("To see the real harbour, Captain Aisha Bello said, one should visit at dawn.",
     "Captain Aisha Bello"),
    # a participle takes the speaker of the cue the parser made a parenthetical of it
    ("“We have built a port the whole coast can be proud of,” Mr. Haddad said, not even "
     "needing to mention the cost of the project.", "Mr. Haddad"),
    # a wider cue: characterize X as Y
    ("Later, she characterized the budget as a plan for the next decade.", "she"),
])
def test_subjects_speaker_behind_clauses_and_nominals(run_steps, text, speaker):
    record = _run(run_steps, text)
    _check_offsets(record)
    assert record["quotes"]
    assert {q["speaker"]["text"] if q["speaker"] else None for q in record["quotes"]} == {speaker}
