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
                                 "docs/security.md"])
def test_readme_links_resolve(doc):
    assert f"({doc})" in README and (ROOT / doc).exists()
