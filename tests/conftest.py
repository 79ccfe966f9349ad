"""Shared fixtures: a fresh plugin manager, and a cached engine to run texts through steps."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from textmill import Document, Engine, get_plugin_manager, pipeline_from_dict

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture
def pm():
    """A plugin manager with no entry points loaded; register inline plugins on it."""
    return get_plugin_manager(load_entrypoints=False)


_ENGINES: dict[str, Engine] = {}


@pytest.fixture(scope="session")
def run_steps() -> Callable[..., list[dict[str, Any]]]:
    """run_steps(steps, texts) -> records, through the installed plugins and the real model.

    ``steps`` is the pipeline's ``steps:`` list (e.g. [{"use": "entities"}]); ``texts`` are
    strings or Documents. Engines are cached per step list, so the model loads once per list.
    """

    def run(steps: list[dict[str, Any]], texts: Sequence[str | Document],
            model: str = "en_core_web_sm") -> list[dict[str, Any]]:
        key = json.dumps([model, steps], sort_keys=True)
        if key not in _ENGINES:
            pipeline = pipeline_from_dict({"textmill": 1, "name": "test", "model": model,
                                           "steps": steps})
            _ENGINES[key] = Engine(pipeline)
        docs = [t if isinstance(t, Document) else Document(id=f"d{i}", text=t)
                for i, t in enumerate(texts)]
        return _ENGINES[key].process(docs)

    return run


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed news article."""
    return (ROOT / "seeds" / "north-korea-ukraine.txt").read_text(encoding="utf-8")


# -- a throwaway third-party plugin distribution, found through real entry-point discovery ----

DEMO_PLUGIN = '''
from textmill import Step, StepConfig, hookimpl


class WordsConfig(StepConfig):
    min_length: int = 1


class Words(Step):
    """Counts words; fails on documents containing 'EXPLODE' (for isolation tests)."""

    name = "words"
    Config = WordsConfig
    provides = "words"

    def process_doc(self, doc, record):
        if "EXPLODE" in doc.text:
            raise ValueError("exploded on purpose")
        return sum(1 for t in doc if t.is_alpha and len(t) >= self.config.min_length)


@hookimpl
def register_steps(register):
    "Register the words step"
    register(Words)
'''


def make_distribution(root: Path, module: str, source: str, *, dist: str | None = None,
                      ep_name: str | None = None, version: str = "0.1.0") -> Path:
    """Write ``module`` plus a .dist-info with a `textmill` entry point under ``root``."""
    dist = dist or module.replace("_", "-")
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{module}.py").write_text(source)
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[textmill]\n{ep_name or module} = {module}\n")
    return root


@pytest.fixture
def demo_plugin(tmp_path, monkeypatch):
    """A 'words' step from a distribution outside plugins/, on sys.path and PYTHONPATH."""
    import os
    import sys

    root = make_distribution(tmp_path / "site", "textmill_demo_words", DEMO_PLUGIN)
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(root), *sys.path]))
    return root


@pytest.fixture(scope="session")
def blank_model(tmp_path_factory) -> str:
    """A blank English spaCy pipeline saved to disk: loads in milliseconds, no weights."""
    import spacy

    path = tmp_path_factory.mktemp("blank") / "blank_en"
    spacy.blank("en").to_disk(path)
    return str(path)
