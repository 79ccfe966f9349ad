"""Hostile pipeline files and hostile documents: clear errors, never a crash, hang or blow-up."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textmill import Document, PipelineError, UsageError
from textmill.inputs import iter_documents
from textmill.pipeline import validate_source
from textmill.yamlsource import MAX_DEPTH, read_source

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
TEXTMILL = [sys.executable, "-m", "textmill"]
ALIAS_BOMB = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
    for i in range(8))


def _pipeline_problems(text: str | bytes) -> list[str]:
    """Every problem of a pipeline text as strings; [] when it is valid."""
    try:
        validate_source(read_source("p.yaml", text=text))
    except PipelineError as exc:
        return [str(p) for p in exc.problems]
    return []


# -- pipeline files ---------------------------------------------------------------------------

GOOD = "textmill: 1\nname: t\nsteps:\n  - use: numbers\n"


@pytest.mark.parametrize("text, fragment", [
    # Each of these used to escape as ConstructorError/ValueError/RecursionError: exit 3.
    (GOOD + "!!python/name:os.system : 1\n", "is not allowed"),
    (GOOD + "!custom key: 1\n", "is not allowed"),
    (GOOD + "x: &m {a: 1}\ny:\n  <<: *m\n", "key '<<'"),
    (GOOD + "batch_size: !!int abc\n", "not a valid int"),
    (GOOD + "batch_size: !!float x\n", "not a valid float"),
    (GOOD + "batch_size: !!bool maybe\n", "not a valid bool"),
    (GOOD + "description: !!timestamp nope\n", "not a valid timestamp"),
    (GOOD + "batch_size: !!float\n", "not a valid float"),  # IndexError inside pyyaml
    (GOOD + "description: a\x1fb\n", "U+001F is not allowed"),  # ReaderError, found by fuzzing
    (GOOD + "batch_size: " + "9" * 5000 + "\n", "not a valid int"),
    (GOOD + "x: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    (GOOD + "".join(" " * i + "k:\n" for i in range(MAX_DEPTH + 10)), "nested too deeply"),
    (GOOD + "x: !!python/object/apply:os.system ['echo pwned']\n", "is not allowed"),
    (ALIAS_BOMB, "too many nodes"),
    (b"textmill: 1\nname: caf\xe9\n", "not UTF-8"),
    (b"textmill: 1\x00\n", "binary file"),
    ("# " + "x" * 1_000_001, "allowed for a pipeline file"),
])
def test_hostile_inputs_pipeline_text_is_a_pipeline_error(text, fragment):
    problems = _pipeline_problems(text)
    assert any(fragment in p for p in problems), problems


#: YAML tokens, so that random texts hit tags, anchors and flow collections, not just typos.
YAML_TOKENS = ["[", "]", "{", "}", ": ", ", ", "- ", "? ", "\n", "  ", "&a ", "*a", "<<", "!!int ",
               "!!float ", "!!bool ", "!!timestamp ", "!!binary ", "!!str ", "!!map ", "!!seq ",
               "!!set ", "!!python/name:os.system ", "!x ", "'", '"', "#", "|", ">", "a", "b",
               "1", "9" * 40, "${X}", "$$", "\t", "%", "\ufeff", "\x85", "~", "null", ".inf"]


@FUZZ
@given(st.one_of(st.lists(st.sampled_from(YAML_TOKENS), max_size=40).map("".join),
                 st.text(max_size=200)))
def test_hostile_inputs_random_yaml_never_crashes(text):
    """Any text at all either validates or raises PipelineError; nothing else escapes."""
    _pipeline_problems(GOOD + text)
    _pipeline_problems(text)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
_DATA = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(["use", "config", "steps", "labels", "textmill",
                                               "name", "path", "format"]), _SCALARS),
                    inner, max_size=4)), max_leaves=20)


@FUZZ
@given(st.fixed_dictionaries({}, optional={
    "textmill": st.one_of(st.just(1), _DATA), "name": st.one_of(st.just("t"), _DATA),
    "steps": st.one_of(st.lists(st.fixed_dictionaries(
        {"use": st.sampled_from(["entities", "quotes", "numbers", "stance", "nope"])},
        optional={"config": _DATA}), max_size=4), _DATA),
    "output": _DATA, "batch_size": _DATA, "workers": _DATA, "doc_timeout": _DATA,
    "max_doc_chars": _DATA}))
def test_hostile_inputs_random_pipeline_data_never_crashes(data):
    """Odd data in every key of a pipeline is reported as problems, never an exception."""
    from textmill.yamlsource import Source

    try:
        validate_source(Source("p.yaml", data))
    except PipelineError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)


def _cli(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TEXTMILL, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


_MEASURE = textwrap.dedent("""
    import json, resource, subprocess, sys, time
    start = time.perf_counter()
    proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"rc": proc.returncode, "stderr": proc.stderr, "wall": wall,
                      "cpu": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss}))
""")


@pytest.mark.slow
@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("body", [ALIAS_BOMB, "textmill: 1\nname: t\nsteps: " + "[" * 50_000])
def test_hostile_inputs_yaml_bomb_via_cli_is_fast_and_small(tmp_path, command, body):
    """The CLI child fails with exit 4 in < 2 s of CPU and < 200 MB peak RSS."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(body)
    (tmp_path / "a.txt").write_text("Some text.")
    args = [str(bomb)] + ([str(tmp_path / "a.txt")] if command == "run" else [])
    out = subprocess.run([sys.executable, "-c", _MEASURE, *TEXTMILL, command, *args],
                         capture_output=True, text=True, timeout=120)
    m = json.loads(out.stdout)
    errors = [line for line in m["stderr"].splitlines() if line.startswith("Error:")]
    assert m["rc"] == 4 and len(errors) == 1, m["stderr"]
    assert m["cpu"] < 2.0 and m["rss_kib"] < 200_000, m


@pytest.mark.slow
@pytest.mark.parametrize("content, fragment", [
    (b"textmill: 1\nname: caf\xe9\nsteps: [{use: numbers}]\n", "not UTF-8"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary file"),
    (b"# " + b"x" * 1_100_000, "allowed for a pipeline file"),
    (b"x: !!python/object/apply:os.system ['touch PWNED']\n", "is not allowed"),
])
def test_hostile_inputs_bad_pipeline_file_exit_4_one_line(tmp_path, content, fragment):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    proc = _cli("validate", str(path), cwd=str(tmp_path))
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert proc.returncode == 4 and any(fragment in e for e in errors), proc.stderr
    assert "Traceback" not in proc.stderr
    if b"PWNED" in content:
        assert not (tmp_path / "PWNED").exists()
    else:
        assert len(errors) == 1, proc.stderr


@pytest.mark.parametrize("limit", [5])
def test_hostile_inputs_pipeline_from_a_fifo_is_bounded(tmp_path, limit):
    """A FIFO reports size 0; reading stops after the size limit instead of forever."""
    import threading

    fifo = tmp_path / "p.yaml"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as fh:
            try:
                for _ in range(200):
                    fh.write(b"# " + b"x" * 9_998 + b"\n")
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    with pytest.raises(PipelineError, match="allowed for a pipeline file"):
        read_source(str(fifo))
    writer.join(limit)


# -- documents as read from disk and stdin ----------------------------------------------------


@pytest.mark.parametrize("raw, encoding, text, fragment", [
    (b"\x7fELF\x02\x01\x00\x00binary", "utf-8", "", "binary file"),
    (b"caf\xe9 cr\xe8me", "utf-8", "", "--encoding latin-1"),
    (b"caf\xe9 cr\xe8me", "latin-1", "café crème", None),
    (b"\x93Smart\x94 \x80 caf\xe9", "auto", "“Smart” € café", None),
    (b"\xef\xbb\xbfcaf\xc3\xa9", "auto", "café", None),
    (b"undefined \x81 byte", "auto", "undefined \x81 byte", None),
    (b"\xff\xfeh\x00i\x00", "utf-16", "hi", None),  # NUL bytes, but not binary in UTF-16
    (b"NUL \x00 inside latin-1", "latin-1", "", "binary file"),
    (b"", "utf-8", "", None),
    (b"\xef\xbb\xbf", "utf-8", "", None),
])
def test_hostile_inputs_text_files_decode_or_fail_per_document(tmp_path, raw, encoding, text,
                                                              fragment):
    (tmp_path / "doc.txt").write_bytes(raw)
    [doc] = iter_documents([str(tmp_path)], encoding=encoding)
    assert doc.text == text and doc.id == "doc"
    assert (doc.error is None) if fragment is None else (fragment in doc.error), doc.error


@pytest.mark.parametrize("lines, expected", [
    # A lone surrogate escape used to crash the JSON Lines writer at the end of the batch.
    ([b'{"id": "s", "text": "bad \\ud800 here"}', b'{"id": "ok", "text": "fine"}'],
     [("s", "unpaired surrogate"), ("ok", None)]),
    ([b'{"id": "\\udfff", "text": "x"}'], [("x:1", "unpaired surrogate")]),
    ([b'{"text": "x", "meta": {"k": "\\ud83d"}}'], [("x:1", "unpaired surrogate")]),
    # One line in another encoding spoils only itself, not the rest of the file.
    ([b'{"text": "caf\xe9"}', b'{"text": "two"}'], [("x:1", "not valid utf-8"), ("x:2", None)]),
    ([b'\xef\xbb\xbf{"text": "bom"}'], [("x:1", None)]),
    ([b"[" * 100_000], [("x:1", "nested too deeply")]),
    ([b'{"text": "a\\u0000b"}'], [("x:1", None)]),
])
def test_hostile_inputs_jsonl_lines_fail_alone(tmp_path, lines, expected):
    (tmp_path / "x.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    docs = list(iter_documents([str(tmp_path / "x.jsonl")]))
    got = [(d.id, d.error) for d in docs]
    assert len(got) == len(expected), got
    for (doc_id, error), (want_id, fragment) in zip(got, expected, strict=True):
        assert doc_id == want_id
        assert (error is None) if fragment is None else (fragment in error), error


@pytest.mark.parametrize("raw, encoding, text", [
    (b"caf\xe9", "latin-1", "café"), (b"\xef\xbb\xbfHi", "utf-8", "Hi"),
])
def test_hostile_inputs_stdin_bytes_use_the_encoding(raw, encoding, text):
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="ascii")  # the locale must not matter
    [doc] = iter_documents(["-"], encoding=encoding, stdin=stdin)
    assert (doc.text, doc.error) == (text, None)


@pytest.mark.parametrize("kind", ["fifo"])
def test_hostile_inputs_special_files_are_skipped_not_read(tmp_path, kind):
    os.mkfifo(tmp_path / "pipe.txt")  # opening it for reading would block forever
    (tmp_path / "ok.txt").write_text("fine")
    docs = list(iter_documents([str(tmp_path)]))
    assert [(d.id, d.error is None) for d in docs] == [("ok", True), ("pipe", False)]
    assert "not a regular file" in docs[1].error


@pytest.mark.parametrize("size, max_chars", [(50_000, 10_000)])
def test_hostile_inputs_certainly_too_long_files_are_not_read(tmp_path, size, max_chars):
    (tmp_path / "big.txt").write_bytes(b"x" * size)
    [doc] = iter_documents([str(tmp_path)], max_chars=max_chars)
    assert doc.text == "" and "max_doc_chars=10,000" in doc.error


@pytest.mark.parametrize("encoding", ["klingon-8"])
def test_hostile_inputs_unknown_encoding_is_a_usage_error(tmp_path, encoding):
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(UsageError, match="unknown encoding"):
        list(iter_documents([str(tmp_path)], encoding=encoding))


@pytest.mark.parametrize("text", ["bad \ud800 surrogate"])
def test_hostile_inputs_engine_rejects_unencodable_documents(pm, blank_model, text):
    """Documents built by API users (not through inputs) are checked by the engine too."""
    from textmill import Engine, Step, hookimpl, pipeline_from_dict

    class Length(Step):
        name = "length"
        provides = "length"

        def process_doc(self, doc, record):
            return len(doc)

    class Plugin:
        @hookimpl
        def register_steps(register):
            register(Length)

    pm.register(Plugin)
    engine = Engine(pipeline_from_dict({"textmill": 1, "name": "t", "model": blank_model,
                                        "steps": [{"use": "length"}]}, pm))
    bad, good = engine.process([Document("b", text, meta={"k": "\udc80"}), Document("g", "ok")])
    assert bad["errors"][0]["type"] == "ReadError" and "length" not in bad
    json.dumps(bad, ensure_ascii=False).encode("utf-8")  # the record itself is writable
    assert good["length"] == 1 and not good["errors"]
