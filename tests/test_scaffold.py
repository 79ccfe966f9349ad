"""`textmill new-plugin`: names, refusals, and the whole path scaffold -> install -> use -> test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from textmill import UsageError
from textmill.scaffold import FILES, new_plugin, plugin_names, render


def run(*args, cwd=None, env=None, stdin=None, timeout=120):
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)


@pytest.mark.parametrize("name, expected", [
    ("keywords", ("keywords", "textmill_keywords", "textmill-keywords", "Keywords")),
    ("textmill-word-count", ("word_count", "textmill_word_count", "textmill-word-count",
                             "WordCount")),
    ("Sentiment_Lexicon", ("sentiment_lexicon", "textmill_sentiment_lexicon",
                           "textmill-sentiment-lexicon", "SentimentLexicon")),
])
def test_scaffold_names(name, expected):
    names = plugin_names(name)
    assert (names["name"], names["package"], names["dist"], names["cls"]) == expected


@pytest.mark.parametrize("name, message", [
    ("9lives", "not usable"), ("class", "Python keyword"), ("text", "record's own keys"),
    ("two words", "not usable"), ("", "not usable"),
])
def test_scaffold_refuses_bad_names(tmp_path, name, message):
    with pytest.raises(UsageError, match=message):
        new_plugin(name, directory=tmp_path / "p")
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("setup, message", [
    (lambda d: (d / "README.md").write_text("mine"), "not an empty directory"),
    (lambda d: None, None),
])
def test_scaffold_directory_must_be_empty(tmp_path, setup, message):
    target = tmp_path / "plugin"
    target.mkdir()
    setup(target)
    if message:
        with pytest.raises(UsageError, match=message):
            new_plugin("keywords", directory=target)
    else:
        written = new_plugin("keywords", directory=target)
        assert len(written) == len(FILES)
        assert not any("{{" in p.read_text() for p in written)


def test_scaffold_refuses_an_installed_step_name(tmp_path, pm):
    from textmill import Step, hookimpl

    class Taken(Step):
        name = "taken"
        provides = "taken"

    class Plugin:
        @hookimpl
        def register_steps(self, register):
            register(Taken)

    pm.register(Plugin(), name="owner")
    with pytest.raises(UsageError, match="already installed"):
        new_plugin("taken", directory=tmp_path / "p", pm=pm)


@pytest.mark.parametrize("template, error", [("{{name}} {{nope}}", "nope")])
def test_scaffold_render_rejects_unknown_placeholders(template, error):
    with pytest.raises(KeyError, match=error):
        render(template, {"name": "x"})


@pytest.mark.slow
def test_scaffold_install_list_use_and_test(tmp_path, blank_model):
    """The issue's whole path, with real entry-point discovery through an installed .dist-info."""
    plugin, site = tmp_path / "textmill-keywords", tmp_path / "site"
    proc = run("-m", "textmill", "new-plugin", "keywords", "--dir", str(plugin))
    assert proc.returncode == 0, proc.stderr

    proc = run("-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
               "--no-index", "--target", str(site), str(plugin), timeout=180)
    assert proc.returncode == 0, proc.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}

    # `textmill plugins --json`, then whether listing the plugin imported spaCy (it must not).
    code = ("import sys, runpy; sys.argv = ['textmill', 'plugins', '--json']\n"
            "try:\n    runpy.run_module('textmill', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print('spacy imported' if 'spacy' in sys.modules else 'no spacy', file=sys.stderr)")
    proc = run("-c", code, env=env)
    assert proc.stderr.strip().endswith("no spacy"), proc.stderr
    [info] = [p for p in json.loads(proc.stdout) if p["name"] == "keywords"]
    assert (info["distribution"], info["version"], info["steps"], info["error"]) == \
        ("textmill-keywords", "0.1.0", ["keywords"], None)

    pipeline = tmp_path / "use.yaml"
    pipeline.write_text(textwrap.dedent(f"""\
        textmill: 1
        name: use-keywords
        model: {blank_model}
        steps:
          - use: keywords
            config: {{terms: [flood wall, Harbour City], label: TOPIC}}
    """))
    text = "Harbour City voted on the flood wall.\n"
    proc = run("-m", "textmill", "run", str(pipeline), "-", env=env, stdin=text)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)["keywords"]
    assert [(m["text"], m["term"], m["label"], text[m["start"]:m["end"]]) for m in found] == [
        ("Harbour City", "Harbour City", "TOPIC", "Harbour City"),
        ("flood wall", "flood wall", "TOPIC", "flood wall"),
    ]

    proc = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=plugin, env=env,
               timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " passed" in proc.stdout and "failed" not in proc.stdout
