"""Safe YAML reading: positions, interpolation, and hostile files."""

from __future__ import annotations

import resource
import time

import pytest

from textmill.errors import PipelineError
from textmill.yamlsource import read_source


@pytest.mark.parametrize("text, env, expected", [
    ("a: ${X}", {"X": "1"}, {"a": "1"}),
    ("a: ${X:-dflt}", {}, {"a": "dflt"}),
    ("a: ${X:-dflt}", {"X": ""}, {"a": "dflt"}),
    ("a: out/${D:-latest}/x", {"D": "2026-11-26"}, {"a": "out/2026-11-26/x"}),
    ("a: cost $$5", {}, {"a": "cost $5"}),
])
def test_yamlsource_interpolation(text, env, expected):
    assert read_source("p.yaml", text=text, environ=env).data == expected


@pytest.mark.parametrize("text, line, column", [("a: 1\nb:\n  c: ${NOPE}\n", 3, 6)])
def test_yamlsource_unset_variable_is_a_located_problem(text, line, column):
    src = read_source("p.yaml", text=text, environ={})
    [problem] = src.problems
    assert (problem.line, problem.column, problem.path) == (line, column, "b.c")
    assert "NOPE" in problem.message


@pytest.mark.parametrize("text", [
    "a: !!python/object/apply:os.system ['echo pwned']",
    "a: !!python/name:os.system",
])
def test_yamlsource_rejects_python_tags(text, tmp_path):
    src = read_source("p.yaml", text=text)
    assert src.problems and "not allowed" in src.problems[0].message
    assert src.data == {"a": None}


BOMB = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8))


@pytest.mark.parametrize("text, message", [
    (BOMB, "too many nodes"),
    ("a: " + "[" * 200 + "]" * 200, "nested too deeply"),
])
def test_yamlsource_bombs_fail_fast(text, message):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(PipelineError, match=message):
        read_source("bomb.yaml", text=text)
    assert time.perf_counter() - start < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00t\x00e", "binary"),
    (b"name: caf\xe9\n", "not UTF-8"),
    (b"a: [unclosed\n", "invalid YAML"),
])
def test_yamlsource_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    with pytest.raises(PipelineError, match=message):
        read_source(str(path))


@pytest.mark.parametrize("size", [2_000_000])
def test_yamlsource_refuses_huge_files(tmp_path, size):
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * size)
    with pytest.raises(PipelineError, match="allowed for a pipeline file"):
        read_source(str(path))
