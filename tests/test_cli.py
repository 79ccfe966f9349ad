"""The command line: exit codes, stdin/stdout, validation output, and import cost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest


def textmill(*args, stdin=None, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "textmill", *args], input=stdin,
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


@pytest.fixture
def words_pipeline(tmp_path, blank_model, demo_plugin):
    path = tmp_path / "words.yaml"
    path.write_text(textwrap.dedent(f"""\
        textmill: 1
        name: words
        model: {blank_model}
        steps:
          - use: words
            config: {{min_length: 2}}
    """))
    return path


@pytest.mark.parametrize("args", [["--help"], ["validate", "pipelines/news.yaml"]])
def test_cli_does_not_import_spacy(args):
    code = (f"import sys, runpy; sys.argv=['textmill', *{args!r}]\n"
            "try:\n    runpy.run_module('textmill', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print('SPACY' if 'spacy' in sys.modules else 'NO-SPACY', file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "NO-SPACY" in proc.stderr, proc.stderr


@pytest.mark.parametrize("text, words", [("One two three a", 3)])
def test_cli_stdin_to_stdout(words_pipeline, text, words):
    proc = textmill("run", str(words_pipeline), "-", stdin=text)
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["id"] == "stdin" and record["words"] == words
    assert "processed=1 skipped=0 failed=0" in proc.stderr


@pytest.mark.parametrize("lines, code, summary", [
    (['{"id": "a", "text": "fine words"}', '{"id": "b", "text": "EXPLODE now"}'], 1,
     "processed=1 skipped=0 failed=1"),
    (['{"id": "a", "text": "fine words"}'], 0, "processed=1 skipped=0 failed=0"),
])
def test_cli_exit_codes_for_failures(words_pipeline, tmp_path, lines, code, summary):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    proc = textmill("run", str(words_pipeline), str(corpus), "-o", str(out))
    assert proc.returncode == code, proc.stderr
    assert summary in proc.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == [json.loads(line)["id"] for line in lines]
    failed = [r for r in records if r["errors"]]
    for r in failed:
        assert r["errors"] == [{"step": "words", "type": "ValueError",
                                "message": "exploded on purpose"}]
        assert "words" not in r


@pytest.mark.parametrize("make_input, code, message", [
    (lambda tmp: str(tmp / "missing.txt"), 4, "does not exist"),
    (lambda tmp: (tmp / "empty").mkdir() or str(tmp / "empty"), 5, "no input documents"),
])
def test_cli_exit_codes_for_inputs(words_pipeline, tmp_path, make_input, code, message):
    proc = textmill("run", str(words_pipeline), make_input(tmp_path))
    assert proc.returncode == code, proc.stderr
    assert message in proc.stderr
    assert len([ln for ln in proc.stderr.splitlines() if ln.startswith("Error:")]) == 1


def test_cli_validate_reports_every_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(textwrap.dedent("""\
        textmill: 1
        name: bad
        steps:
          - use: entitis
          - use: numbers
            config: {kindz: [money]}
        output:
          - {format: jsonl, path: "out/${TEXTMILL_TEST_UNSET_VAR}/x.jsonl"}
    """))
    env = {k: v for k, v in os.environ.items() if k != "TEXTMILL_TEST_UNSET_VAR"}
    proc = textmill("validate", str(bad), env=env)
    assert proc.returncode == 4
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 3, proc.stderr
    typo, key, var = errors  # sorted by line
    assert f"{bad}:4:" in typo and "Did you mean 'entities'?" in typo
    assert f"{bad}:6:" in key and "steps.1.config.kindz" in key
    assert f"{bad}:8:" in var and "TEXTMILL_TEST_UNSET_VAR" in var


@pytest.mark.parametrize("args, code", [(["run"], 4), (["nope"], 4), (["--version"], 0)])
def test_cli_usage_errors_exit_4(args, code):
    proc = textmill(*args)
    assert proc.returncode == code, proc.stderr


def test_cli_plugins_json_lists_builtins():
    proc = textmill("plugins", "--json")
    assert proc.returncode == 0, proc.stderr
    names = {p["name"] for p in json.loads(proc.stdout)}
    assert {"entities", "quotes", "numbers", "stance"} <= names
