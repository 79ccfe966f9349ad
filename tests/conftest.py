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
