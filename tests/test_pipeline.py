"""Pipeline files: the model, step validation, order checks, and the shipped pipelines."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from textmill import PipelineError, Step, StepConfig, hookimpl, load_pipeline
from textmill.pipeline import pipeline_from_yaml

ROOT = Path(__file__).resolve().parent.parent


class NerConfig(StepConfig):
    labels: list[str] = ["PERSON"]
    min_count: int = 1


class Ner(Step):
    name = "entities"
    Config = NerConfig
    provides = "entities"


class Quotes(Step):
    name = "quotes"
    requires = ("entities",)
    provides = "quotes"


class Plugin:
    @hookimpl
    def register_steps(register):
        register(Ner)
        register(Quotes)


@pytest.fixture
def fake_pm(pm):
    pm.register(Plugin)
    return pm


def problems(yaml_text, pm):
    with pytest.raises(PipelineError) as info:
        pipeline_from_yaml(textwrap.dedent(yaml_text), pm, file="p.yaml")
    return info.value.problems


@pytest.mark.parametrize("yaml_text, path, line, fragment", [
    ("textmill: 1\nname: x\nsteps:\n  - use: entitis\n", "steps.0.use", 4,
     "Did you mean 'entities'?"),
    ("textmill: 1\nname: x\nsteps:\n  - use: entities\n    config: {min_cuont: 2}\n",
     "steps.0.config.min_cuont", 5, "Did you mean 'min_count'?"),
    ("textmill: 1\nname: x\nsteps:\n  - use: entities\n    config: {min_count: many}\n",
     "steps.0.config.min_count", 5, "valid integer"),
    ("textmill: 1\nname: x\nsteps:\n  - use: quotes\n  - use: entities\n", "steps.0.use", 4,
     "comes later (steps.1)"),
    ("textmill: 1\nname: x\nsteps:\n  - use: quotes\n", "steps.0.use", 4,
     "which no earlier step provides"),
    ("textmill: 1\nname: x\nsteps:\n  - use: entities\n  - use: entities\n", "steps.1.use", 5,
     "already written by step 'entities'"),
    ("textmill: 2\nname: x\nsteps:\n  - use: entities\n", "textmill", 1, "Input should be 1"),
    ("textmill: 1\nname: x\nstep:\n  - use: entities\n", "step", 3, "Did you mean 'steps'?"),
    ("textmill: 1\nsteps:\n  - use: entities\n", "", 1, "missing required key 'name'"),
    ("textmill: 1\nname: x\nsteps: []\n", "steps", 3, "at least 1 item"),
    ("- just\n- a list\n", "", 1, "expected a mapping"),
])
def test_pipeline_validation_errors(fake_pm, yaml_text, path, line, fragment):
    found = problems(yaml_text, fake_pm)
    assert any(p.path == path and p.line == line and fragment in str(p) for p in found), found


@pytest.mark.parametrize("yaml_text, count", [
    ("textmill: 1\nname: x\nbogus: 1\nsteps:\n  - use: entitis\n  - use: quotes\n"
     "    config: {a: 1}\n", 3),
])
def test_pipeline_reports_all_problems_at_once(fake_pm, yaml_text, count):
    assert len(problems(yaml_text, fake_pm)) == count


@pytest.mark.parametrize("yaml_text", ["textmill: 1\nname: ok\nsteps:\n  - use: entities\n"
                                       "  - use: quotes\n"])
def test_pipeline_fingerprint_tracks_config(fake_pm, yaml_text):
    a = pipeline_from_yaml(yaml_text, fake_pm)
    b = pipeline_from_yaml(yaml_text.replace("- use: entities", "- use: entities\n"
                                             "    config: {min_count: 2}"), fake_pm)
    assert a.fingerprint() == pipeline_from_yaml(yaml_text, fake_pm).fingerprint()
    assert a.fingerprint() != b.fingerprint()


@pytest.mark.parametrize("path", sorted((ROOT / "pipelines").glob("*.yaml")), ids=lambda p: p.name)
def test_pipeline_shipped_files_validate(path):
    pipeline = load_pipeline(str(path))
    assert pipeline.steps, path
