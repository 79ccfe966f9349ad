"""Sentence starts at line breaks, decided without a trained model."""

from __future__ import annotations

import pytest
import spacy

from textmill.segment import ends_line, mark_line_breaks


@pytest.mark.parametrize("line, expected", [
    ("Tensions Ripple Across Asia and Beyond", True),
    ("North Korea’s Footprint on the Frontlines: A New Dimension of Warfare", True),
    ("It ended.", True),
    ("By Jane Doe", True),
    ("the committee met on Tuesday to discuss the budget and the", False),
])
def test_segment_ends_line(line, expected):
    assert ends_line(line) is expected


@pytest.mark.parametrize("text, starts", [
    ("Tensions Ripple Across Asia\nThe involvement of troops grew.", ["Tensions", "The"]),
    ("First paragraph ends here\n\nsecond starts lower case", ["First", "second"]),
    ("a wrapped line of prose that goes on and on and\ncontinues here.", ["a"]),
])
def test_segment_marks_sentence_starts(text, starts):
    doc = mark_line_breaks(spacy.blank("en")(text))
    found = [t.text for t in doc if t.is_sent_start]
    assert found[1:] == starts[1:]
