"""`textmill schema`: pipeline files validate against it, typos in step configs do not.

Run ``python tests/test_schema.py`` to regenerate docs/pipeline.schema.json (the built-in
steps' schema that pipelines/*.yaml point their editors at).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Literal

import jsonschema
import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, create_model

from textmill import Step, StepConfig, hookimpl
from textmill.plugins import get_plugin_manager
from textmill.schema import pipeline_schema

ROOT = Path(__file__).resolve().parent.parent
PIPELINES = sorted((ROOT / "pipelines").glob("*.yaml"))
SHIPPED = ROOT / "docs" / "pipeline.schema.json"
BUILTINS = ("entities", "quotes", "numbers", "stance")


def builtin_schema() -> dict:
    """The schema for the built-in steps only, whatever else is installed."""
    pm = get_plugin_manager(load_entrypoints=False)
    pm.load_entrypoints(set(BUILTINS))
    return pipeline_schema(pm)


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    size: int = 1


class AlphaConfig(StepConfig):
    kinds: list[Literal["a", "b"]] = ["a"]
    inner: Inner = Inner()
    min_words: int = Field(1, ge=1)


class Alpha(Step):
    """Alpha: for schema tests."""

    name = "alpha"
    Config = AlphaConfig
    provides = "alpha"


# Another model named "Inner", in another step's config: the two must not collide.
BetaInner = create_model("Inner", __config__=ConfigDict(extra="forbid", frozen=True),
                         flag=(bool, False))


class BetaConfig(StepConfig):
    inner: BetaInner = BetaInner()  # type: ignore[valid-type]


class Beta(Step):
    name = "beta"
    Config = BetaConfig
    provides = "beta"


@pytest.fixture
def schema(pm):
    class Plugin:
        @hookimpl
        def register_steps(self, register):
            register(Alpha)
            register(Beta)

    pm.register(Plugin(), name="schema-test")
    return pipeline_schema(pm)


def _pipeline(*steps):
    return {"textmill": 1, "name": "t", "steps": list(steps)}


@pytest.mark.parametrize("data, error", [
    (_pipeline({"use": "alpha"}), None),
    (_pipeline({"use": "alpha", "config": {"kinds": ["b"], "inner": {"size": 3}}},
               {"use": "beta", "config": {"inner": {"flag": True}}}), None),
    (_pipeline({"use": "alpha", "config": {"min_word": 2}}), "'min_word' was unexpected"),
    (_pipeline({"use": "alpha", "config": {"inner": {"sise": 2}}}), "'sise' was unexpected"),
    (_pipeline({"use": "beta", "config": {"inner": {"size": 2}}}), "'size' was unexpected"),
    (_pipeline({"use": "alpha", "config": {"kinds": ["c"]}}), "'c' is not one of ['a', 'b']"),
    (_pipeline({"use": "alpha", "config": {"min_words": 0}}), "0 is less than the minimum"),
    (_pipeline({"use": "alpah"}), "'alpah' is not one of ['alpha', 'beta']"),
    (_pipeline({"config": {}}), "'use' is a required property"),
    ({**_pipeline({"use": "alpha"}), "stepz": []}, "'stepz' was unexpected"),
    ({"name": "t", "steps": [{"use": "alpha"}]}, "'textmill' is a required property"),
])
def test_schema_checks_steps_and_configs(schema, data, error):
    jsonschema.Draft7Validator.check_schema(schema)
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(data)]
    if error is None:
        assert errors == []
    else:
        assert any(error in e for e in errors), errors


@pytest.mark.parametrize("path", PIPELINES, ids=[p.name for p in PIPELINES])
def test_schema_validates_shipped_pipelines(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schema = pipeline_schema()
    jsonschema.Draft7Validator(schema).validate(data)
    typo = copy.deepcopy(data)
    typo["steps"][0].setdefault("config", {})["no_such_option"] = 1
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(typo)]
    assert any("'no_such_option' was unexpected" in e for e in errors), errors


def test_schema_shipped_file_is_up_to_date():
    assert json.loads(SHIPPED.read_text(encoding="utf-8")) == builtin_schema(), \
        "a step config changed: regenerate with python tests/test_schema.py"


@pytest.mark.parametrize("args", [["schema"], ["schema", "-o", "{tmp}/s.json"]])
def test_schema_cli_includes_installed_plugins(demo_plugin, tmp_path, args):
    args = [a.format(tmp=tmp_path) for a in args]
    proc = subprocess.run([sys.executable, "-m", "textmill", *args], capture_output=True,
                          text=True, env=os.environ.copy(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout if len(args) == 1 else (tmp_path / "s.json").read_text())
    assert "words" in schema["definitions"]["StepSpec"]["properties"]["use"]["enum"]
    validator = jsonschema.Draft7Validator(schema)
    assert validator.is_valid(_pipeline({"use": "words", "config": {"min_length": 2}}))
    assert not validator.is_valid(_pipeline({"use": "words", "config": {"min_lenght": 2}}))


def test_schema_survives_a_config_without_json_schema(pm):
    class Opaque(StepConfig):
        model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
        thing: object = Field(default_factory=lambda: lambda: None)
        call: type = int

    class Odd(Step):
        name = "odd"
        Config = Opaque
        provides = "odd"

    class Plugin:
        @hookimpl
        def register_steps(self, register):
            register(Odd)
            register(Alpha)

    pm.register(Plugin(), name="odd-plugin")
    schema = pipeline_schema(pm)
    assert schema["definitions"]["alpha.config"]["additionalProperties"] is False
    assert "odd" in schema["definitions"]["StepSpec"]["properties"]["use"]["enum"]


if __name__ == "__main__":
    SHIPPED.write_text(json.dumps(builtin_schema(), indent=2, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    print(f"wrote {SHIPPED}")
