"""Tests of the `numbers` step: scanner rules on raw text, and news sentences with the model."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from textmill_numbers.extract import Extractor
from textmill_numbers.step import NumbersConfig

# Our own news sentences, one or more per construction: (text, [(span, value, kind, unit)]).
NEWS = [
    ("North Korea has sent approximately 11,000 troops to Russia's Kursk region.",
     [('11,000', 11000, 'cardinal', None)]),
    ('The soldiers were organised into five units of roughly 3,000 each.',
     [('five', 5, 'cardinal', None), ('3,000', 3000, 'cardinal', None)]),
    ('The company agreed to a $2.3 billion takeover on Tuesday.',
     [('$2.3 billion', 2300000000.0, 'money', 'USD')]),
    ('Shares of the lender fell 7.4% after the announcement.',
     [('7.4%', 7.4, 'percent', '%')]),
    ('Between 30 and 40 people were injured in the blast.',
     [('30 and 40', [30, 40], 'range', None)]),
    ('The ministry said 10-15 villages had been evacuated.',
     [('10-15', [10, 15], 'range', None)]),
    ('Support for the measure rose to between 30 to 40% among young voters.',
     [('30 to 40%', [30, 40], 'percent', '%')]),
    ('The fund raised $1.5bn from investors in the Gulf.',
     [('$1.5bn', 1500000000.0, 'money', 'USD')]),
    ('Britain pledged £250m in extra military aid.',
     [('£250m', 250000000.0, 'money', 'GBP')]),
    ('The EU approved a €50 billion support package for Ukraine.',
     [('€50 billion', 50000000000.0, 'money', 'EUR')]),
    ('Twenty-four people remain missing after the flood.',
     [('Twenty-four', 24, 'cardinal', None)]),
    ('Half a million refugees have crossed the border since the war began.',
     [('Half a million', 500000, 'cardinal', None)]),
    ('Police arrested a dozen protesters outside parliament.',
     [('a dozen', 12, 'cardinal', None)]),
    ('Two-thirds of voters backed the proposal.',
     [('Two-thirds', 2 / 3, 'fraction', None)]),
    ('Temperatures dropped to minus 18 degrees overnight.',
     [('minus 18 degrees', -18, 'quantity', 'degree')]),
    ('A 12-tonne truck overturned on the motorway.',
     [('12-tonne', 12, 'quantity', 'tonne')]),
    ('The convoy travelled 35 kilometres before it was stopped.',
     [('35 kilometres', 35, 'quantity', 'kilometre')]),
    ('The storm brought winds of 120 miles per hour.',
     [('120 miles per hour', 120, 'quantity', 'mile per hour')]),
    ('She finished second in the regional election.',
     [('second', 2, 'ordinal', None)]),
    ('It was the 3rd attack on the pipeline this month.',
     [('3rd', 3, 'ordinal', None)]),
    ('Unemployment rose 0.3 percentage points to 4.2 per cent.',
     [('0.3 percentage points', 0.3, 'percent', 'percentage point'),
      ('4.2 per cent', 4.2, 'percent', '%')]),
    ('More than 200 homes were destroyed by the fire.',
     [('200', 200, 'cardinal', None)]),
    ('Nearly 1.2m people have fled the region.',
     [('1.2m', 1200000.0, 'cardinal', None)]),
    ('At least 45 people were killed, officials said.',
     [('45', 45, 'cardinal', None)]),
    ('Fewer than 100 of the 1,500 passengers were rescued.',
     [('100', 100, 'cardinal', None), ('1,500', 1500, 'cardinal', None)]),
    ('Up to 700 workers could lose their jobs.',
     [('700', 700, 'cardinal', None)]),
    ('The bridge will cost some ¥300 billion to build.',
     [('¥300 billion', 300000000000.0, 'money', 'JPY')]),
    ('Oil prices climbed to $85 a barrel on Monday.',
     [('$85', 85, 'money', 'USD')]),
    ('The 45-year-old suspect was arrested in Leeds.',
     [('45-year-old', 45, 'quantity', 'year')]),
    ('The prime minister, 58, met the delegation in 2023.',
     [('58', 58, 'cardinal', None)]),
    ('The outbreak of COVID-19 in 2020 grounded Boeing 737 jets.',
     []),
    ('Section 427 of the law was struck down on March 3, 2021.',
     []),
    ('Leaders of the G7 met in Hiroshima in May 2023.',
     []),
    ('The meeting starts at 10:30 a.m. on 14 June.',
     []),
    ('Inflation in the 1990s was lower, she said.',
     []),
    ('The company employs 2,000 people in 14 countries.',
     [('2,000', 2000, 'cardinal', None), ('14', 14, 'cardinal', None)]),
    ('A quarter of the budget goes to defence.',
     [('A quarter', 0.25, 'fraction', None)]),
    ('The vaccine is given in three doses over six months.',
     [('three', 3, 'cardinal', None), ('six months', 6, 'quantity', 'month')]),
    ('Exports grew by 12 percent in the first quarter.',
     [('12 percent', 12, 'percent', '%'), ('first', 1, 'ordinal', None)]),
    ('The team won 3-1 against the champions.',
     []),
    ('Clinton leads Trump by 46 percent to 42 percent.',
     [('46 percent', 46, 'percent', '%'), ('42 percent', 42, 'percent', '%')]),
    ('The survey was conducted September 16-19 near Ground Zero.',
     []),
    ('Rents rose from 5% to 7% over the year.',
     [('5%', 5, 'percent', '%'), ('7%', 7, 'percent', '%')]),
    ('The deal is worth 20 million pounds.',
     [('20 million pounds', 20000000.0, 'money', 'GBP')]),
    ('The baby weighed seven pounds at birth.',
     [('seven pounds', 7, 'quantity', 'pound')]),
    ('Officials counted one hundred and twenty-one ballots.',
     [('one hundred and twenty-one', 121, 'cardinal', None)]),
    ('The company cut its forecast to $5-10 million.',
     [('$5-10 million', [5000000.0, 10000000.0], 'money', 'USD')]),
]


def _same_value(got, want) -> bool:
    if isinstance(want, list) or isinstance(got, list):
        return isinstance(got, list) and isinstance(want, list) and len(got) == len(want) and all(
            _same_value(g, w) for g, w in zip(got, want))
    return abs(got - want) <= 1e-6 * max(1.0, abs(want))


def _shape(numbers):
    return [(n["text"], n["value"], n["kind"], n["unit"]) for n in numbers]


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


@pytest.mark.parametrize(("text", "expected"), [
    ("twenty-five", [("twenty-five", 25, "cardinal")]),
    ("one hundred and twenty-one", [("one hundred and twenty-one", 121, "cardinal")]),
    ("3 million and a half", [("3 million and a half", 3_500_000, "cardinal")]),
    ("half a million", [("half a million", 500_000, "cardinal")]),
    ("two dozen", [("two dozen", 24, "cardinal")]),
    ("two thirds", [("two thirds", 2 / 3, "fraction")]),
    ("3/4", [("3/4", 0.75, "fraction")]),
    ("2 1/2", [("2 1/2", 2.5, "cardinal")]),
    ("twenty-fifth", [("twenty-fifth", 25, "ordinal")]),
    ("21st", [("21st", 21, "ordinal")]),
    ("10k", [("10k", 10_000, "cardinal")]),
    ("1,234,567.5", [("1,234,567.5", 1_234_567.5, "cardinal")]),
    ("-4.5", [("-4.5", -4.5, "cardinal")]),
    ("negative five hundred and four", [("negative five hundred and four", -504, "cardinal")]),
    ("two point five", [("two point five", 2.5, "cardinal")]),
    ("22,24,26", [("22", 22, "cardinal"), ("24", 24, "cardinal"), ("26", 26, "cardinal")]),
    ("40 000 or 1\u202f234 567.5", [("40 000", 40_000, "cardinal"),
                                     ("1\u202f234 567.5", 1_234_567.5, "cardinal")]),
    ("10^6 or 2.5^-1", [("10^6", 1e6, "cardinal"), ("2.5^-1", 0.4, "cardinal")]),
    ("1.3x10^6 and 6.2×10−5", [("1.3x10^6", 1.3e6, "cardinal"), ("6.2×10−5", 6.2e-5, "cardinal")]),
    ("one twenty-fifth of it", [("one twenty-fifth", 0.04, "fraction")]),
    ("three twenty-firsts", [("three twenty-firsts", 3 / 21, "fraction")]),
    ("a twenty-first century city", [("twenty-first", 21, "ordinal")]),
    ("one billion and a half million", [("one billion and a half million", 1_000_500_000,
                                         "cardinal")]),
    ("two hundred and two thousand", [("two hundred and two thousand", 202_000, "cardinal")]),
    ("between two hundred and two thousand", [("two hundred and two thousand", [200, 2000],
                                               "range")]),
    ("two and fifty-four hundredths", [("two and fifty-four hundredths", 2.54, "cardinal")]),
    ("one hundred and thirty fifths", [("one hundred and thirty fifths", 26, "fraction")]),
    ("one in five", [("one in five", 0.2, "fraction")]),
    ("2 out of 10 doctors", [("2 out of 10", 0.2, "fraction")]),
    ("one over three", [("one over three", 1 / 3, "fraction")]),
    ("3 over 10 games", [("3", 3, "cardinal"), ("10", 10, "cardinal")]),
    ("5 in 10 minutes", [("5", 5, "cardinal"), ("10 minutes", 10, "quantity")]),
    ("a 5x10 room", []),  # a size, not the power "5x10^1"
])
def test_amount_words_and_digits(extractor, text, expected):
    got = [(n["text"], n["value"], n["kind"]) for n in extractor.extract(text)]
    assert [(g[0], g[2]) for g in got] == [(e[0], e[2]) for e in expected]
    assert all(_same_value(g[1], e[1]) for g, e in zip(got, expected))


@pytest.mark.parametrize(("text", "expected"), [
    ("$1.5bn", [("$1.5bn", 1.5e9, "money", "USD")]),
    ("US$ 3.14", [("US$ 3.14", 3.14, "money", "USD")]),
    ("EUR 20", [("EUR 20", 20, "money", "EUR")]),
    ("75 USD million", [("75 USD million", 7.5e7, "money", "USD")]),
    ("50 cents", [("50 cents", 0.5, "money", "USD")]),
    ("$20 and 43c", [("$20 and 43c", 20.43, "money", "USD")]),
    ("a dollar", [("a dollar", 1, "money", "USD")]),
    ("10-20 dollars", [("10-20 dollars", [10, 20], "money", "USD")]),
    ("a $2.3 billion loss", [("$2.3 billion", 2.3e9, "money", "USD")]),
    ("40%", [("40%", 40, "percent", "%")]),
    ("5 feet 2 inches", [("5 feet 2 inches", 5 + 2 / 12, "quantity", "foot")]),
    ("30 degrees Celsius", [("30 degrees Celsius", 30, "quantity", "degree Celsius")]),
    ("8- to 16-meter", [("8- to 16-meter", [8, 16], "quantity", "metre")]),
    ("75ml", [("75ml", 75, "quantity", "millilitre")]),
    ("1.8m tall", [("1.8m", 1.8, "quantity", "metre")]),
    ("1.2m people", [("1.2m", 1.2e6, "cardinal", None)]),
    ("an area of 4km^2", [("4km^2", 4, "quantity", "square kilometre")]),
    ("a range of 190 km2", [("190 km2", 190, "quantity", "square kilometre")]),
    ("weight: 20 (kg)", [("20 (kg)", 20, "quantity", "kilogram")]),
    ("he is 5 feet and 2 inches", [("5 feet and 2 inches", 5 + 2 / 12, "quantity", "foot")]),
    ("it weighs 9.8 ± 0.2 kg", [("9.8 ± 0.2 kg", 9.8, "quantity", "kilogram")]),
    ("at 3 pm or 3.15 pm a 2.1 pm grid", [("2.1 pm", 2.1, "quantity", "picometre")]),
    ("ranged from -3 °C to -14 °C", [("-3 °C to -14 °C", [-14, -3], "quantity", "degree Celsius")]),
    ("losses of 30 MUSD", [("30 MUSD", 3e7, "money", "USD")]),
    ("a Core i7-860 chip", [("860", 860, "cardinal", None)]),  # no range from "i7"
])
def test_scanner_currency_percent_unit(extractor, text, expected):
    got = _shape(extractor.extract(text))
    assert [(g[0], g[2], g[3]) for g in got] == [(e[0], e[2], e[3]) for e in expected]
    assert all(_same_value(g[1], e[1]) for g, e in zip(got, expected))


@pytest.mark.parametrize(("text", "expected"), [
    ("about 30 cars", [("30", "about", True)]),
    ("more than 200 homes", [("200", "more than", False)]),
    ("500 or more", [("500", "or more", False)]),
    ("about 500 or fewer", [("500", "or fewer", False)]),
    ("200 or greater than", [("200", "or greater", False)]),
    ("equal to 50 or less than 60", [("50", "equal to", False), ("60", "less than", False)]),
    ("an estimated 3,000", [("3,000", "an estimated", True)]),
    ("some 40 trucks", [("40", "some", True)]),
])
def test_scanner_qualifier_not_in_span(extractor, text, expected):
    got = [(n["text"], n["qualifier"], n["approximate"]) for n in extractor.extract(text)]
    assert got == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("more than 10 and less than 20", [("10 and less than 20", [10, 20])]),
    ("more than 40 and less than 10", [("40", 40), ("10", 10)]),
    ("won 3-1 on Sunday", []),
    ("rose from 5% to 7%", [("5%", 5), ("7%", 7)]),
    ("from 5% to 7% of voters", [("5% to 7%", [5, 7])]),
])
def test_scanner_ranges_and_bounds(extractor, text, expected):
    assert [(n["text"], n["value"]) for n in extractor.extract(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("It happened on 5/17/2018 at 10:30.", []),
    ("See www.example.com/page/42 or mail a1@b2.org", []),
    ("the 1990s", []),
    ("the F-35 and the G7", []),
    ("Section 427 and flight 17", []),
    ("On May 4 and 4th of July", []),
    ("In 2019, 2020 elections", []),
    ("The one you mentioned is this one.", []),
    ("the 9/11 attacks", []),
    ("the galaxy J1149.5+6663", []),
    ("object scp-173m and scp173m", []),
])
def test_scanner_not_numbers(extractor, text, expected):
    assert _shape(extractor.extract(text)) == expected


def test_scanner_offsets_and_ids(extractor):
    text = "About 11,000 troops and $2.3 billion."
    numbers = extractor.extract(text)
    assert [n["id"] for n in numbers] == ["n1", "n2"]
    assert all(text[n["start"]:n["end"]] == n["text"] for n in numbers)


@pytest.mark.parametrize(("config", "ok"), [
    ({}, True),
    ({"kinds": ["money", "percent"]}, True),
    ({"kinds": []}, False),
    ({"kinds": ["money", "money"]}, False),
    ({"kinds": ["monies"]}, False),
    ({"min_value": 3}, False),
])
def test_step_config_validation(config, ok):
    if ok:
        NumbersConfig(**config)
    else:
        with pytest.raises(ValidationError):
            NumbersConfig(**config)


@pytest.mark.parametrize("module", ["textmill_numbers", "textmill_numbers.step"])
def test_step_module_does_not_import_spacy(module):
    code = f"import sys, {module}; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.model
@pytest.mark.parametrize(("text", "expected"), NEWS)
def test_numbers_news_sentences(run_steps, text, expected):
    record = run_steps([{"use": "numbers"}], [text])[0]
    assert record["errors"] == []
    got = _shape(record["numbers"])
    assert [(g[0], g[2], g[3]) for g in got] == [(e[0], e[2], e[3]) for e in expected]
    assert all(_same_value(g[1], e[1]) for g, e in zip(got, expected))


@pytest.mark.model
def test_numbers_news_value_f1_above_bar(run_steps):
    records = run_steps([{"use": "numbers"}], [t for t, _ in NEWS])
    tp = n_pred = n_gold = 0
    for record, (_, expected) in zip(records, NEWS):
        preds = [n["value"] for n in record["numbers"]]
        n_pred, n_gold = n_pred + len(preds), n_gold + len(expected)
        for _, value, _, _ in expected:
            hit = next((p for p in preds if _same_value(p, value)), None)
            if hit is not None:
                preds.remove(hit)
                tp += 1
    f1 = 2 * tp / (n_pred + n_gold)
    assert f1 >= 0.92


@pytest.mark.model
@pytest.mark.parametrize(("text", "expected"), [
    ("North Korea sent approximately 11,000 troops in five units.",
     [("11,000", "troops"), ("five", "units")]),
    ("Between 30 and 40 people were hurt.", [("30 and 40", "people")]),
    ("Two-thirds of the nations agreed.", [("Two-thirds", "nations")]),
    ("It paid $2.3 billion.", [("$2.3 billion", None)]),
])
def test_numbers_counted_noun(run_steps, text, expected):
    record = run_steps([{"use": "numbers"}], [text])[0]
    assert [(n["text"], n["counted"]) for n in record["numbers"]] == expected


@pytest.mark.model
@pytest.mark.parametrize(("text", "expected"), [
    ("Boeing 737 jets and Windows 11 laptops were sold in 2023.", []),
    ("The prime minister, 58, met 12 envoys.", [("58", 58), ("12", 12)]),
])
def test_numbers_names_and_years_excluded(run_steps, text, expected):
    record = run_steps([{"use": "numbers"}], [text])[0]
    assert [(n["text"], n["value"]) for n in record["numbers"]] == expected


@pytest.mark.model
def test_numbers_kinds_config_filters(run_steps):
    text = "It paid $5 million for 40% of 300 farms."
    record = run_steps([{"use": "numbers", "config": {"kinds": ["money"]}}], [text])[0]
    assert [n["kind"] for n in record["numbers"]] == ["money"]
