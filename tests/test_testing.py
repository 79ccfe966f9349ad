"""The test kit: its pytest plugin, its helpers, and assert_step_contract on good and bad steps."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap

import pytest
from pydantic import ConfigDict

from textmill import Step, StepConfig, get_plugin_manager
from textmill.testing import (
    assert_step_contract,
    make_pipeline,
    nlp_for,
    plugin_manager,
    run_texts,
)

pytest_plugins = ["pytester"]


class TokensConfig(StepConfig):
    min_length: int = 1


class Tokens(Step):
    """Alphabetic tokens with offsets: a step that keeps the contract."""

    name = "kit_tokens"
    Config = TokensConfig
    provides = "kit_tokens"

    def process_doc(self, doc, record):
        return [{"start": t.idx, "end": t.idx + len(t), "text": t.text}
                for t in doc if t.is_alpha and len(t) >= self.config.min_length]


def _variant(name, **attrs):
    """A Tokens subclass named ``name`` that writes key ``name``, with ``attrs`` overridden."""
    return type(name.title().replace("_", ""), (Tokens,), {"name": name, "provides": name, **attrs})


class LooseConfig(StepConfig):
    model_config = ConfigDict(extra="allow", frozen=True)


_calls = {"n": 0}


def _counter(self, doc, record):
    _calls["n"] += 1
    return _calls["n"]


BAD_STEPS = [
    (_variant("kit_mutates", process_doc=lambda s, d, r: r["meta"].setdefault("x", 1) and []),
     "changed record 'd0' in place (meta.x"),
    (_variant("kit_tuple", process_doc=lambda s, d, r: [(0, 1)]), "is a tuple"),
    (_variant("kit_offsets", process_doc=lambda s, d, r: [{"start": 0, "end": 2, "text": "no"}]
              if d.text else []), "offsets are str indices"),
    (_variant("kit_nan", process_doc=lambda s, d, r: float("nan")), "no NaN"),
    (_variant("kit_random", process_doc=lambda s, d, r: random.random()), "not deterministic"),
    (_variant("kit_counter", process_doc=_counter), "not deterministic"),
    (_variant("kit_loose", Config=LooseConfig), "extra='forbid'"),
    (_variant("kit_text", provides="text"), "is a runner key"),
    (_variant("kit_gpu", components=("transformer",)), "unknown components ['transformer']"),
    (_variant("kit_link", process_doc=lambda s, d, r: [{"entity": "e9"}]), "links to 'e9'"),
    (_variant("kit_numbers", provides="numbers", process_doc=lambda s, d, r: [{"id": "n1"}]),
     "lacks ['start', 'end'"),
    (_variant("kit_empty", process_doc=lambda s, d, r: len(d[0])), "has errors"),
    (_variant("kit_short", process=lambda s, docs, recs: []), "process returned a list of 0"),
    (_variant("kit_required", requires=("kit_nowhere",)), "no installed step provides"),
]


@pytest.mark.parametrize("step, message", BAD_STEPS, ids=[s.name for s, _ in BAD_STEPS])
def test_testing_contract_rejects_bad_steps(step, message):
    with pytest.raises(AssertionError) as exc:
        assert_step_contract(step, texts=["Alpha beta gamma.", "Delta, epsilon.", ""])
    assert message in str(exc.value)
    assert repr(step.name) in str(exc.value)


@pytest.mark.parametrize("config, texts, count", [
    (None, None, 5),
    ({"min_length": 5}, ["a bb ccccc"], 1),
])
def test_testing_contract_accepts_good_step(config, texts, count):
    kwargs = {"texts": texts} if texts else {}
    records = assert_step_contract(Tokens, config=config, **kwargs)
    assert len(records) == count


@pytest.mark.parametrize("steps, pipes", [([{"use": "kit_tokens"}], ["textmill_line_breaks"])])
def test_testing_blank_pipeline_when_no_component_is_read(steps, pipes):
    assert nlp_for(make_pipeline(steps, steps=[Tokens])).pipe_names == pipes


@pytest.mark.parametrize("config, message", [({"min_lenght": 2}, "min_lenght"),
                                             ({"min_length": "x"}, "invalid")])
def test_testing_contract_reports_bad_config(config, message):
    with pytest.raises(AssertionError, match=message):
        assert_step_contract(Tokens, config=config)


def _installed_steps():
    params = []
    for name, reg in sorted(get_plugin_manager().steps().items()):
        cls = reg.cls
        needs_model = bool(cls.components or cls.requires or cls.uses)
        params.append(pytest.param(name, marks=[pytest.mark.model] if needs_model else []))
    return params


@pytest.mark.parametrize("name", _installed_steps())
def test_testing_installed_steps_keep_the_contract(name):
    assert_step_contract(get_plugin_manager().steps()[name].cls)


@pytest.mark.parametrize("source", [
    [{"use": "kit_tokens", "config": {"min_length": 2}}],
    {"name": "given", "steps": [{"use": "kit_tokens", "config": {"min_length": 2}}]},
    "textmill: 1\nname: given\nsteps:\n  - use: kit_tokens\n    config: {min_length: 2}\n",
])
def test_testing_pipeline_sources(source):
    pipeline = make_pipeline(source, steps=[Tokens])
    assert [(s.name, s.config.min_length) for s in pipeline.steps] == [("kit_tokens", 2)]
    [record] = run_texts(pipeline, ["I saw it"])
    assert [t["text"] for t in record["kit_tokens"]] == ["saw", "it"]


@pytest.mark.parametrize("name", ["entities"])
def test_testing_plugin_manager_refuses_a_clash(name):
    assert name in get_plugin_manager().steps()  # a built-in, always installed
    with pytest.raises(ValueError, match="clashes with the installed step"):
        plugin_manager(_variant(name))


def test_testing_pytest_plugin_fixtures(pytester):
    pytester.makepyfile(textwrap.dedent("""
        from textmill import Step
        from textmill.testing import assert_step_contract

        class Upper(Step):
            name = "upper_words"
            provides = "upper_words"
            def process_doc(self, doc, record):
                return [t.text for t in doc if t.is_upper]

        class Broken(Upper):
            name = "broken_words"
            provides = "broken_words"
            def process_doc(self, doc, record):
                return {t.text for t in doc}

        def test_yaml(textmill_pipeline, textmill_run):
            pipe = textmill_pipeline("textmill: 1\\nname: t\\nsteps: [{use: upper_words}]\\n",
                                     steps=[Upper])
            [record] = textmill_run(pipe, ["The UN and NATO met."])
            assert record["upper_words"] == ["UN", "NATO"]

        def test_blank(textmill_blank_nlp, textmill_plugin_manager):
            assert textmill_blank_nlp.pipe_names == ["textmill_line_breaks"]
            assert textmill_plugin_manager.get_plugins()

        def test_contract():
            assert_step_contract(Upper)
            assert_step_contract(Broken)
    """))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*step 'broken_words'*is a set*"])


def test_testing_plugin_imports_no_spacy():
    code = "import sys, textmill.testing; print('spacy' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "False", proc.stderr
