"""Long texts are cut into whitespace-ended segments that join back to the exact text."""

from __future__ import annotations

import pytest
import spacy

from textmill.longdocs import parse_long, segments


@pytest.mark.parametrize("text, size", [
    ("Line one here.\n" * 500, 1000),
    ("One sentence. Another one! " * 400, 1000),
    ("word " * 1000, 777),
    ("x" * 2500, 1000),
    ("", 10),
    ("short", 10),
])
def test_longdocs_segments_join_back(text, size):
    parts = list(segments(text, size))
    assert "".join(parts) == text
    assert all(len(p) <= size for p in parts)
    if "\n" in text or " " in text:
        assert all(p[-1].isspace() for p in parts[:-1])


@pytest.mark.parametrize("text, size", [("First para here.\n\nSecond one. " * 300, 500)])
def test_longdocs_parse_long_keeps_offsets(text, size):
    doc = parse_long(spacy.blank("en"), text, size)
    assert doc.text == text
    assert all(text[t.idx:t.idx + len(t)] == t.text for t in doc)
