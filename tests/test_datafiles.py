"""The shared data-file loader: comments, field counts, and file:line errors."""

from __future__ import annotations

import pytest

from textmill import DataFileError, data_file, parse_data_text, read_data_file


@pytest.mark.parametrize(("text", "sep", "columns", "expected"), [
    ("# a comment\n\nword\n  spaced  \n", None, None, [(3, ("word",)), (4, ("spaced",))]),
    ("a\tb\n#x\tz\nc\td\n", "\t", 2, [(1, ("a", "b")), (3, ("c", "d"))]),
    ("a\nb\tc\n", "\t", (1, 2), [(1, ("a",)), (2, ("b", "c"))]),
])
def test_datafiles_lines(text, sep, columns, expected):
    lines = parse_data_text(text, name="t.tsv", sep=sep, columns=columns)
    assert [(ln.line, ln.fields) for ln in lines] == expected


@pytest.mark.parametrize(("text", "columns", "where"), [
    ("a\tb\nc\n", 2, "t.tsv:2:"),
    ("# head\na\tb\tc\td\n", (1, 3), "t.tsv:2:"),
])
def test_datafiles_bad_line_names_file_and_line(text, columns, where):
    with pytest.raises(DataFileError, match=where):
        parse_data_text(text, name="t.tsv", columns=columns)


@pytest.mark.parametrize("sep", ["\t"])
def test_datafiles_read_from_file_and_package(tmp_path, sep):
    path = tmp_path / "x.tsv"
    path.write_text("k\tv\n", encoding="utf-8")
    assert read_data_file(path, sep=sep)[0].fields == ("k", "v")
    assert read_data_file(str(path), columns=2)[0].error("bad").args[0].startswith(f"{path}:1:")
    shipped = read_data_file(data_file("textmill_quotes", "data", "cues.tsv"), name="cues.tsv")
    assert shipped and all(ln.file == "cues.tsv" for ln in shipped)
