"""Each hook has a real test (runner or CLI) and a generated section in docs/plugins.md.

Run ``python tests/test_hookspecs.py`` to regenerate the hook reference in docs/plugins.md
(the way ``cog -r`` would); the test below fails while it is out of date.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import textmill
from textmill import Document, Step, hookimpl, hookspecs, pipeline_from_dict
from textmill.runner import run_pipeline

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugins.md"
BEGIN = "<!-- hook reference: generated from core/textmill/hookspecs.py by " \
        "`python tests/test_hookspecs.py`; do not edit -->"
END = "<!-- end of hook reference -->"


def hook_specs():
    """The hookspec functions, in the order hookspecs.py defines them."""
    return [f for f in vars(hookspecs).values()
            if inspect.isfunction(f) and hasattr(f, "textmill_spec")]


def hook_reference() -> str:
    """The Markdown hook reference: one section per hookspec, from its signature and docstring."""
    parts = [BEGIN]
    for spec in hook_specs():
        args = ", ".join(inspect.signature(spec).parameters)
        doc = inspect.getdoc(spec) or ""
        first = "firstresult: the first non-None answer wins. " \
            if spec.textmill_spec.get("firstresult") else ""
        parts.append(f"### `{spec.__name__}({args})`\n\n{first}{doc.rstrip('.')}.")
    parts.append(END)
    return "\n\n".join(parts)


def updated_guide(text: str) -> str:
    """``text`` with its hook reference block replaced by a freshly generated one."""
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError(f"{GUIDE}: no hook reference block (expected a line {BEGIN!r})")
    return pattern.sub(lambda _: hook_reference(), text)


# -- meta-tests ------------------------------------------------------------------------------

HOOKS = [spec.__name__ for spec in hook_specs()]


def test_hookspecs_reference_is_up_to_date():
    text = GUIDE.read_text(encoding="utf-8")
    assert updated_guide(text) == text, "run: python tests/test_hookspecs.py"


@pytest.mark.parametrize("hook", HOOKS)
def test_hookspecs_are_documented(hook):
    assert re.search(rf"^### `{hook}\(", GUIDE.read_text(encoding="utf-8"), re.M), \
        f"docs/plugins.md has no section for hook {hook!r}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hookspecs_have_tests(hook):
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py"))
    assert re.search(rf"^\s*def test_hook_{hook}\b", sources, re.M), \
        f"no test_hook_{hook} in tests/"


# -- one test per hook, through the runner and the CLI ----------------------------------------


class Letters(Step):
    """Counts letters; fails on texts containing 'EXPLODE'."""

    name = "letters"
    provides = "letters"

    def process_doc(self, doc, record):
        if "EXPLODE" in doc.text:
            raise ValueError("exploded on purpose")
        return sum(c.isalpha() for c in doc.text)


class Observer:
    """Records every observer hook call, in one list shared with the sink."""

    def __init__(self, events):
        self.events = events

    @hookimpl
    def run_started(self, run):
        self.events.append(("run_started", run.pipeline.spec.name, run.summary.processed))

    @hookimpl
    def batch_processed(self, run, records):
        self.events.append(("batch_processed", [r["id"] for r in records],
                            [r.get("letters") for r in records]))

    @hookimpl
    def document_failed(self, record, error):  # any subset of the hook's arguments
        self.events.append(("document_failed", record["id"], error["type"], error["message"]))

    @hookimpl
    def run_finished(self, run, summary):
        self.events.append(("run_finished", summary.processed, summary.failed,
                            summary.exit_code, run.summary is summary))


class ListSink:
    """A sink that logs writes into the observer's event list, to check hook order."""

    def __init__(self, events):
        self.events = events

    def write(self, records):
        self.events.append(("write", [r["id"] for r in records]))

    def close(self, *, commit=True):
        self.events.append(("close",))


class Steps:
    @hookimpl
    def register_steps(self, register):
        register(Letters)


@pytest.fixture
def observed(pm, blank_model):
    """Run five documents (one failing) in batches of two; return the event log."""
    events = []
    pm.register(Steps(), name="steps")
    pm.register(Observer(events), name="observer")
    pipe = pipeline_from_dict({"textmill": 1, "name": "hooks", "model": blank_model,
                               "batch_size": 2, "steps": [{"use": "letters"}]}, pm)
    docs = [Document(id=f"d{i}", text=t)
            for i, t in enumerate(["ab", "abc", "EXPLODE x", "a", "abcd"])]
    summary = run_pipeline(pipe, docs, [ListSink(events)], pm=pm)
    assert (summary.processed, summary.failed) == (4, 1)
    return events


def test_hook_register_steps(pm, blank_model):
    pm.register(Steps(), name="steps")
    assert pm.steps()["letters"].cls is Letters
    pipe = pipeline_from_dict({"textmill": 1, "name": "s", "model": blank_model,
                               "steps": [{"use": "letters"}]}, pm)
    assert [s.name for s in pipe.steps] == ["letters"]


def test_hook_run_started(observed):
    assert observed[0] == ("run_started", "hooks", 0)


def test_hook_batch_processed(observed):
    batches = [e for e in observed if e[0] in ("batch_processed", "write")]
    assert batches == [
        ("batch_processed", ["d0", "d1"], [2, 3]), ("write", ["d0", "d1"]),
        ("batch_processed", ["d2", "d3"], [None, 1]), ("write", ["d2", "d3"]),
        ("batch_processed", ["d4"], [4]), ("write", ["d4"]),
    ]


def test_hook_document_failed(observed):
    failed = [e for e in observed if e[0] == "document_failed"]
    assert failed == [("document_failed", "d2", "ValueError", "exploded on purpose")]
    assert observed.index(failed[0]) < observed.index(("batch_processed", ["d2", "d3"],
                                                       [None, 1]))


def test_hook_run_finished(observed):
    assert observed[-1] == ("run_finished", 4, 1, 1, True)
    assert observed[-2] == ("close",)


COMMAND_PLUGIN = '''
import click
from textmill import hookimpl


@hookimpl
def register_commands(cli):
    "Add the hello command"

    @cli.command()
    @click.argument("who")
    def hello(who):
        """Greet WHO."""
        click.echo(f"hello {who}")
'''


@pytest.mark.parametrize("args, code, out", [
    (["hello", "plugins"], 0, "hello plugins\n"),
    (["--help"], 0, "Greet WHO."),
])
def test_hook_register_commands(tmp_path, args, code, out):
    from .conftest import make_distribution

    site = make_distribution(tmp_path / "site", "textmill_demo_hello", COMMAND_PLUGIN)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    proc = subprocess.run([sys.executable, "-m", "textmill", *args], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == code, proc.stderr
    assert out in proc.stdout


if __name__ == "__main__":
    GUIDE.write_text(updated_guide(GUIDE.read_text(encoding="utf-8")), encoding="utf-8")
    print(textwrap.shorten(f"updated the hook reference in {GUIDE}", 100))


class _Upper(textmill.Reader):
    name = "upper"
    suffixes = (".up",)

    def read(self, source):
        with source.open() as fh:
            yield textmill.Document(id=source.id, text=fh.read().decode().upper(),
                                    source=source.name)


class _Count(textmill.Writer):
    name = "count"


@pytest.mark.parametrize(("kind", "cls"), [("readers", _Upper), ("writers", _Count)])
def test_hook_register_readers_and_writers_collect_and_list(pm, kind, cls):
    hook = f"register_{kind}"

    class Plugin:
        pass

    setattr(Plugin, hook, textmill.hookimpl(lambda self, register: register(cls)))
    pm.register(Plugin(), name="fmt")
    registry = getattr(pm, kind)()
    assert registry[cls.name].cls is cls and registry[cls.name].plugin == "fmt"
    info = next(i for i in pm.plugin_infos() if i.name == "fmt")
    assert getattr(info, kind) == [cls.name]


def test_hook_register_readers(pm, tmp_path):
    class Plugin:
        @textmill.hookimpl
        def register_readers(self, register):
            register(_Upper)

    pm.register(Plugin(), name="up")
    path = tmp_path / "a.up"
    path.write_text("hello", encoding="utf-8")
    reader = pm.readers()["upper"].cls()
    docs = list(reader.read(textmill.InputSource(name=str(path), id="a", path=path)))
    assert [(d.id, d.text) for d in docs] == [("a", "HELLO")]


@pytest.mark.parametrize("bad", [object, type("NoName", (textmill.Writer,), {})])
def test_hook_register_writers(pm, bad):
    class Plugin:
        @textmill.hookimpl
        def register_writers(self, register):
            register(_Count)

    class Twice:
        @textmill.hookimpl
        def register_writers(self, register):
            register(_Count)

    class Bad:
        @textmill.hookimpl
        def register_writers(self, register):
            register(bad)

    pm.register(Plugin(), name="one")
    assert list(pm.writers()) == ["count"]
    for other, match in ((Twice(), "registered twice"), (Bad(), "not a Writer subclass")):
        fresh = textmill.get_plugin_manager(load_entrypoints=False)
        fresh.register(Plugin(), name="one")
        fresh.register(other, name="other")
        with pytest.raises(textmill.PluginError, match=match):
            fresh.writers()
