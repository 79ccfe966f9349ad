"""Test kit for step authors: pytest fixtures, and ``assert_step_contract``.

textmill registers this module as a pytest plugin (entry point group ``pytest11``), so a
plugin's tests use these fixtures with no import and no knowledge of textmill's internals:

* ``textmill_pipeline(source, *, steps=())``: a validated Pipeline from a YAML string, a
  mapping (``textmill`` and ``name`` may be left out) or a bare list of steps;
* ``textmill_run(source, texts, *, steps=(), nlp=None)``: one record per text;
* ``textmill_plugin_manager``: a fresh manager with the installed plugins;
* ``textmill_blank_nlp`` / ``textmill_nlp``: blank English / en_core_web_sm, loaded once.

``steps=`` adds step classes that are not installed (yet). Loading the plugin costs nothing
in runs that do not use it: no spaCy import at import time, and no autouse fixture.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pytest

from . import _contract
from .document import Document
from .engine import Engine
from .hookspecs import hookimpl
from .models import load_model
from .pipeline import Pipeline, pipeline_from_dict, pipeline_from_yaml
from .plugins import PluginManager, get_plugin_manager
from .step import Record, Step

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "SAMPLE_TEXTS",
    "assert_step_contract",
    "load_nlp",
    "make_pipeline",
    "nlp_for",
    "plugin_manager",
    "run_texts",
]

#: What a pipeline can be given as: a Pipeline, a mapping, a list of steps, or YAML text.
PipelineSource = Pipeline | dict[str, Any] | list[dict[str, Any]] | str


class _InlineSteps:
    """A plugin that registers step classes handed to the kit (not installed)."""

    def __init__(self, classes: Sequence[type[Step]]) -> None:
        self.classes = list(classes)

    @hookimpl
    def register_steps(self, register: Callable[[type[Step]], None]) -> None:
        "Register the step classes given to the test kit"
        for cls in self.classes:
            register(cls)


def plugin_manager(*steps: type[Step], load_entrypoints: bool = True) -> PluginManager:
    """A fresh plugin manager: the installed plugins plus the step classes ``steps``.

    A class that is installed already (the same class object) is not registered twice; an
    installed *different* step with the same name is an error.
    """
    pm = get_plugin_manager(load_entrypoints=load_entrypoints)
    if not steps:
        return pm
    installed = pm.steps()
    extra = []
    for cls in steps:
        reg = installed.get(cls.name)
        if reg is None:
            extra.append(cls)
        elif reg.cls is not cls:
            raise ValueError(
                f"step {cls.name!r} ({cls.__module__}.{cls.__qualname__}) clashes with the "
                f"installed step of that name from plugin {reg.plugin!r} "
                f"({reg.cls.__module__}.{reg.cls.__qualname__}). Hint: rename the test step, "
                "or pass load_entrypoints=False.")
    pm = get_plugin_manager(load_entrypoints=load_entrypoints)  # steps() above is cached
    if extra:
        pm.register(_InlineSteps(extra), name="textmill.testing")
    return pm


def make_pipeline(source: PipelineSource, *, steps: Sequence[type[Step]] = (),
                  pm: PluginManager | None = None) -> Pipeline:
    """Validate ``source`` (YAML text, a mapping, or a list of steps) into a Pipeline."""
    if isinstance(source, Pipeline):
        return source
    pm = pm if pm is not None else plugin_manager(*steps)
    if isinstance(source, str):
        return pipeline_from_yaml(source, pm)
    data = {"steps": source} if isinstance(source, list) else dict(source)
    data = {"textmill": 1, "name": "test", **data}
    return pipeline_from_dict(data, pm)


_NLPS: dict[tuple[str, frozenset[str] | None], Language] = {}


def load_nlp(model: str | None = None, components: Iterable[str] | None = None) -> Language:
    """A shared spaCy pipeline: blank English when ``model`` is None, else ``model`` with
    only ``components`` enabled (None: all), exactly as the runner loads it."""
    key = (model or "", frozenset(components) if components is not None else None)
    if key not in _NLPS:
        if model is None:
            import spacy

            from .segment import add_line_breaks

            nlp = spacy.blank("en")
            add_line_breaks(nlp)
        else:
            nlp = load_model(model, set(components) if components is not None else None)
        _NLPS[key] = nlp
    return _NLPS[key]


def nlp_for(pipeline: Pipeline) -> Language:
    """Blank English when no step reads a component and the pipeline names no model;
    otherwise the pipeline's model with the components its steps read."""
    if not pipeline.components and "model" not in pipeline.data:
        return load_nlp(None)
    return load_nlp(pipeline.spec.model, pipeline.components)


_ENGINES: dict[tuple[str, tuple[int, ...], int], Engine] = {}


def run_texts(source: PipelineSource, texts: Sequence[str | Document], *,
              steps: Sequence[type[Step]] = (), nlp: Language | None = None) -> list[Record]:
    """Run ``texts`` (strings get ids d0, d1, ...) through a pipeline; return the records.

    Engines are cached per pipeline, step classes and spaCy pipeline, so each step is set
    up once per test session.
    """
    pipeline = make_pipeline(source, steps=steps)
    nlp = nlp if nlp is not None else nlp_for(pipeline)
    key = (json.dumps(pipeline.data, sort_keys=True, default=str),
           tuple(id(s.registered.cls) for s in pipeline.steps), id(nlp))
    if key not in _ENGINES:
        _ENGINES[key] = Engine(pipeline, nlp)
    docs = [t if isinstance(t, Document) else Document(id=f"d{i}", text=t)
            for i, t in enumerate(texts)]
    return _ENGINES[key].process(docs)


#: Short English news texts written for the kit: names, quotes, numbers, a headline, edge cases.
SAMPLE_TEXTS: tuple[str, ...] = (
    "Harbour Council Approves Flood Wall\n\n"
    "The Harbour City council voted 7 to 2 on Tuesday to spend $48 million on a flood wall. "
    '"We cannot wait for the next storm," said Mayor Elena Ruiz. '
    "Critics, led by councillor Tom Becker, argued that about 40% of the cost would fall on "
    "small businesses.",
    "Nordvik Energy said on Friday that it would cut 1,200 jobs in Norway and Germany. "
    "Chief executive Anna Lind told reporters the company had \u201cno other choice\u201d. "
    "Unions called the plan a betrayal and promised strikes.",
    "Scientists at the University of Lagos counted roughly 3,500 nesting turtles this year, "
    "twice as many as in 2019. \u201cIt is the best season we have seen,\u201d said "
    "Dr. Kemi Adeyemi, who led the survey.",
    "Short text.",
    "",
)


def assert_step_contract(step: type[Step], *, config: dict[str, Any] | None = None,
                         texts: Sequence[str] = SAMPLE_TEXTS,
                         upstream: list[dict[str, Any]] | None = None,
                         steps: Sequence[type[Step]] = (),
                         nlp: Language | None = None) -> list[Record]:
    """Check that ``step`` keeps the plugin contract; return the records it produced.

    Args:
        step: the Step subclass, installed or not.
        config: its ``config:`` mapping (default: every option's default).
        texts: documents to run (default: SAMPLE_TEXTS, including an empty one).
        upstream: steps to run first (default: installed providers of its requires and uses).
        steps: more step classes to make available, e.g. a stand-in for an upstream step.
        nlp: spaCy pipeline (default: blank English when no step reads a component,
            else en_core_web_sm with the components the steps declare, as the runner does).

    Checks the declarations (name, provides, requires, uses, components), the config model
    (forbids unknown keys, frozen, JSON round trip, JSON Schema), each record (no errors,
    JSON-plain value, offsets that index ``text``, links to existing ids, the contract's
    fields for built-in keys), determinism (one batch == one by one in reverse order), and
    isolation (the step changes no record key; the runner stores its return value).

    Raises:
        AssertionError: naming the step, the record, the dotted path and what was expected.
    """
    _contract.check_declarations(step)
    _contract.check_config(step, config)
    pm = plugin_manager(step, *steps)
    before = upstream if upstream is not None else _upstream(step, pm)
    pipeline = make_pipeline([*before, {"use": step.name, "config": dict(config or {})}], pm=pm)
    nlp = nlp if nlp is not None else nlp_for(pipeline)
    docs = [Document(id=f"d{i}", text=t) for i, t in enumerate(texts)]

    engine = Engine(pipeline, nlp)
    target = engine.steps[-1]
    target.process = _watch(step, target.process)  # type: ignore[method-assign]
    try:
        batch = engine.process(docs)
    except _Violation as exc:
        raise AssertionError(str(exc)) from None
    for record in batch:
        _contract.check_record(step, record)

    again = Engine(pipeline, nlp)  # fresh instances: no state carried over from the first
    single = [again.process([d])[0] for d in reversed(docs)][::-1]
    for a, b in zip(batch, single, strict=True):
        if a != b:
            _contract.fail(step, f"not deterministic: record {a['id']!r} differs between a "
                                 f"batch run and a one-document run: "
                                 f"{_contract.first_difference(a, b)}")
    return batch


class _Violation(BaseException):
    """Raised inside the runner, which records every Exception a step raises as a failure."""


def _watch(step: type[Step], process: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """Wrap ``process`` to fail when it changes the records it is given."""

    def watched(docs: Sequence[Any], records: Sequence[Record]) -> list[Any]:
        snapshot = copy.deepcopy(list(records))
        values = process(docs, records)
        try:
            for old, new in zip(snapshot, records, strict=True):
                if old != new:
                    _contract.fail(step, f"changed record {old['id']!r} in place "
                                         f"({_contract.first_difference(old, new)}); return "
                                         f"the value of {step.provides!r} instead and leave "
                                         "the record alone")
            if not isinstance(values, list) or len(values) != len(records):
                size = len(values) if hasattr(values, "__len__") else "?"
                _contract.fail(step, f"process returned a {type(values).__name__} of {size} "
                                     f"values for {len(records)} documents; expected a list")
        except AssertionError as exc:
            raise _Violation(str(exc)) from None
        return values

    return watched


def _upstream(step: type[Step], pm: PluginManager) -> list[dict[str, Any]]:
    """Installed steps providing what ``step`` requires (and uses, when installed), in order."""
    registry = pm.steps()
    order: list[str] = []

    def add(key: str, chain: tuple[str, ...], *, required: bool) -> None:
        makers = sorted(n for n, r in registry.items() if r.cls.provides == key
                        and n != step.name and n not in chain)
        if not makers:
            if required:
                _contract.fail(step, f"requires {key!r}, which no installed step provides. "
                                     "Hint: install the plugin that provides it, or pass "
                                     "upstream=[{'use': ...}].")
            return
        name = key if key in makers else makers[0]
        if name in order:
            return
        cls = registry[name].cls
        for k in cls.requires:
            add(k, (*chain, name), required=True)
        order.append(name)

    for key in step.requires:
        add(key, (), required=True)
    for key in step.uses:
        add(key, (), required=False)
    return [{"use": name} for name in order]


# -- fixtures: thin handles on the functions above --------------------------------------


@pytest.fixture(scope="session")
def textmill_pipeline() -> Callable[..., Pipeline]:
    """make_pipeline(source, *, steps=()): YAML text, a mapping or a list of steps."""
    return make_pipeline


@pytest.fixture(scope="session")
def textmill_run() -> Callable[..., list[Record]]:
    """run_texts(source, texts, *, steps=(), nlp=None) -> one record per text."""
    return run_texts


@pytest.fixture
def textmill_plugin_manager() -> PluginManager:
    """A fresh plugin manager with every installed plugin loaded."""
    return get_plugin_manager()


@pytest.fixture(scope="session")
def textmill_blank_nlp() -> Language:
    """spacy.blank("en") with textmill's line-break sentence starts; no weights."""
    return load_nlp(None)


@pytest.fixture(scope="session")
def textmill_nlp() -> Language:
    """en_core_web_sm with every component; skips the test when it is not installed."""
    from .errors import PipelineError

    try:
        return load_nlp("en_core_web_sm")
    except PipelineError as exc:
        pytest.skip(str(exc))
