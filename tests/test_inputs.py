"""Reading inputs: files, directories, globs, JSON Lines, stdin, and unreadable files."""

from __future__ import annotations

import io

import pytest

from textmill import UsageError
from textmill.inputs import iter_documents


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "news" / "sub").mkdir(parents=True)
    (tmp_path / "news" / "a.txt").write_text("Alpha text.")
    (tmp_path / "news" / "sub" / "b.md").write_text("Beta text.")
    (tmp_path / "news" / "skip.csv").write_text("x,y")
    (tmp_path / "news" / "c.jsonl").write_text(
        '{"id": "c1", "text": "Gamma.", "meta": {"k": 1}}\n\n{"text": "Delta."}\nnot json\n')
    return tmp_path


@pytest.mark.parametrize("make_args, ids", [
    (lambda t: [str(t / "news")], ["a", "c1", "c:3", "c:4", "sub/b"]),
    (lambda t: [str(t / "news" / "a.txt")], ["a"]),
    (lambda t: [str(t / "news" / "**" / "*.md")], ["sub/b"]),
])
def test_inputs_ids_are_relative_to_root(tree, make_args, ids):
    assert [d.id for d in iter_documents(make_args(tree))] == ids


@pytest.mark.parametrize("content, fragment", [
    (b"caf\xe9 au lait", "not valid utf-8"),
    (b"\x00\x01binary", "binary file"),
])
def test_inputs_unreadable_files_become_errors(tmp_path, content, fragment):
    (tmp_path / "bad.txt").write_bytes(content)
    [doc] = iter_documents([str(tmp_path / "bad.txt")])
    assert fragment in doc.error and "bad.txt" in doc.error


@pytest.mark.parametrize("encoding, text", [("latin-1", "café au lait")])
def test_inputs_explicit_encoding(tmp_path, encoding, text):
    (tmp_path / "l1.txt").write_bytes(text.encode(encoding))
    [doc] = iter_documents([str(tmp_path / "l1.txt")], encoding=encoding)
    assert doc.text == text and doc.error is None


@pytest.mark.parametrize("raw, text", [(b"\xef\xbb\xbfHello", "Hello")])
def test_inputs_strip_utf8_bom(tmp_path, raw, text):
    (tmp_path / "bom.txt").write_bytes(raw)
    assert next(iter_documents([str(tmp_path / "bom.txt")])).text == text


@pytest.mark.parametrize("fmt, data, ids", [
    ("text", "Plain text from stdin.", ["stdin"]),
    ("jsonl", '{"id": "x", "text": "one"}\n{"id": "y", "text": "two"}\n', ["x", "y"]),
])
def test_inputs_stdin(fmt, data, ids):
    docs = list(iter_documents(["-"], input_format=fmt, stdin=io.StringIO(data)))
    assert [d.id for d in docs] == ids


@pytest.mark.parametrize("path", ["does/not/exist.txt"])
def test_inputs_missing_path_is_a_usage_error(path):
    with pytest.raises(UsageError, match="does not exist"):
        list(iter_documents([path]))


@pytest.mark.parametrize("line, fragment", [("[1, 2]", "expected an object"),
                                            ('{"text": 5}', "expected an object")])
def test_inputs_bad_jsonl_lines(tmp_path, line, fragment):
    (tmp_path / "x.jsonl").write_text(line + "\n")
    [doc] = iter_documents([str(tmp_path / "x.jsonl")])
    assert fragment in doc.error and doc.id == "x:1"
