"""The README stays true to the code: its quickstart, commands and exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from textmill import errors
from textmill.cli import _register_commands, cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_quickstart_pipeline_is_the_shipped_file():
    shipped = (ROOT / "pipelines" / "quickstart.yaml").read_text(encoding="utf-8")
    body = "\n".join(line for line in shipped.splitlines() if not line.startswith("#"))
    assert f"$ cat pipelines/quickstart.yaml\n{body}\n$ textmill run" in README


CODE = "\n".join(re.findall(r"```[a-z]*\n(.*?)```", README, re.DOTALL))


@pytest.mark.parametrize("command", sorted(set(re.findall(r"^(?:\$ )?textmill (\w[\w-]*)", CODE,
                                                          re.MULTILINE))))
def test_readme_commands_exist(command):
    _register_commands()
    assert command in cli.commands, f"README documents 'textmill {command}', the CLI lacks it"


@pytest.mark.parametrize("cls", [errors.PipelineError, errors.UsageError, errors.PluginError,
                                 errors.NoInputError, errors.LockedError, errors.TextmillError])
def test_readme_exit_codes_table(cls):
    assert re.search(rf"^\| {cls.exit_code} \|", README, re.MULTILINE), cls


@pytest.mark.parametrize("doc", ["docs/cron.md", "docs/scaling.md", "docs/plugins.md",
                                 "docs/security.md", "docs/sql-views.md"])
def test_readme_links_resolve(doc):
    assert f"({doc})" in README and (ROOT / doc).exists()


#: What each exit code must say in the README's table (CONTRACT.md), by ExitCode name.
EXIT_MEANINGS = {
    "OK": "every document processed",
    "FAILED_DOCUMENTS": "some documents failed",
    "INTERRUPTED": "interrupted",
    "INTERNAL": "internal error",
    "USAGE": "usage or pipeline error",
    "NO_INPUT": "no input documents",
    "LOCKED": "holds the lock",
}


@pytest.mark.parametrize("name", list(EXIT_MEANINGS))
def test_readme_exit_code_rows_mean_what_the_code_does(name):
    rows = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", README, re.MULTILINE))
    assert set(rows) == {str(int(c)) for c in errors.ExitCode}, "one row per ExitCode"
    code = errors.ExitCode[name]
    assert EXIT_MEANINGS[name] in rows[str(int(code))].lower(), (code, rows[str(int(code))])


def test_readme_exit_codes_of_errors_are_the_enum():
    assert {errors.PipelineError.exit_code, errors.UsageError.exit_code,
            errors.PluginError.exit_code} == {errors.ExitCode.USAGE}
    assert errors.NoInputError.exit_code == errors.ExitCode.NO_INPUT
    assert errors.LockedError.exit_code == errors.ExitCode.LOCKED
    assert errors.TextmillError.exit_code == errors.ExitCode.INTERNAL


def _quickstart_claims() -> dict:
    """The figures and records the README's quickstart states about its own run."""
    counts = re.search(r"with (\d+) entity clusters and (\d+)\s+quotes", README)
    first = re.search(r'The first is (reported speech|direct|mixed), "(.+?)"\s+\(cue "(\w+)"\)',
                      README, re.S)
    block = re.search(r"the second is direct.*?```json\n(.*?)```", README, re.S)
    entity = re.search(r"and `(e\d+)` is `(\{.*?\})`\.", README, re.S)
    assert counts and first and block and entity, "the quickstart's figures moved; update me"
    import json

    return {"entities": int(counts[1]), "quotes": int(counts[2]),
            "first_kind": {"reported speech": "indirect"}.get(first[1], first[1]),
            "first_text": " ".join(first[2].split()), "first_cue": first[3],
            "second": json.loads(block[1]), "entity_id": entity[1],
            "entity": json.loads(" ".join(entity[2].split()))}


@pytest.mark.model
@pytest.mark.slow
def test_readme_quickstart_figures_match_a_real_run(tmp_path):
    import json
    import subprocess
    import sys

    claims = _quickstart_claims()
    out = tmp_path / "quickstart.jsonl"
    proc = subprocess.run([sys.executable, "-m", "textmill", "run", "pipelines/quickstart.yaml",
                           "seeds/", "-o", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "processed=1 skipped=0 failed=0" in proc.stderr
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(record["entities"]) == claims["entities"]
    assert len(record["quotes"]) == claims["quotes"]
    first, second = record["quotes"][:2]
    assert first["kind"] == claims["first_kind"] and first["cue"]["text"] == claims["first_cue"]
    assert claims["first_text"] in first["text"]
    assert second == claims["second"]
    by_id = {e["id"]: e for e in record["entities"]}
    assert by_id[claims["entity_id"]] == claims["entity"]
    assert second["speaker"]["entity"] == claims["entity_id"]
