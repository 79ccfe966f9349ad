"""The engine: one parse per text, steps in order, failures isolated per document."""

from __future__ import annotations

import pytest
import spacy

from textmill import Document, Engine, Step, hookimpl, pipeline_from_dict


class Tokens(Step):
    name = "tokens"
    provides = "tokens"

    def process(self, docs, records):
        if any("BATCHFAIL" in d.text for d in docs) and len(docs) > 1:
            raise RuntimeError("batch-level failure")
        return [len(d) for d in docs]


class Double(Step):
    name = "double"
    requires = ("tokens",)
    provides = "double"

    def process_doc(self, doc, record):
        if "BOOM" in doc.text:
            raise KeyError("boom")
        return record["tokens"] * 2


class Plugin:
    @hookimpl
    def register_steps(register):
        register(Tokens)
        register(Double)


@pytest.fixture
def engine(pm):
    pm.register(Plugin)
    pipeline = pipeline_from_dict({"textmill": 1, "name": "t",
                                   "steps": [{"use": "tokens"}, {"use": "double"}]}, pm)
    return Engine(pipeline, nlp=spacy.blank("en"))


@pytest.mark.parametrize("texts, expected", [
    (["a b", "c d e"], [{"tokens": 2, "double": 4}, {"tokens": 3, "double": 6}]),
    (["a b", "BOOM x"], [{"tokens": 2, "double": 4}, {"tokens": 2}]),
    (["BATCHFAIL a", "b c d"], [{"tokens": 2, "double": 4}, {"tokens": 3, "double": 6}]),
])
def test_engine_isolates_failures(engine, texts, expected):
    records = engine.process([Document(f"d{i}", t) for i, t in enumerate(texts)])
    for record, want in zip(records, expected, strict=True):
        assert {k: record[k] for k in ("tokens", "double") if k in record} == want
        assert bool(record["errors"]) == ("double" not in want)


@pytest.mark.parametrize("doc, error_type", [
    (Document("bad", "", error="bad.txt: not valid utf-8"), "ReadError"),
])
def test_engine_records_read_errors(engine, doc, error_type):
    [record] = engine.process([doc])
    assert record["errors"][0]["type"] == error_type and "tokens" not in record


@pytest.mark.parametrize("text", ["Some words here."])
def test_engine_record_layout(engine, text):
    [record] = engine.process([Document("x", text, source="x.txt", meta={"k": 1})])
    assert list(record) == ["id", "source", "text", "meta", "tokens", "double", "provenance",
                            "errors"]
    assert record["provenance"]["tokens"]["config"]


@pytest.mark.parametrize("missing_key_text", ["BOOM"])
def test_engine_skips_steps_whose_input_failed(pm, missing_key_text):
    class Triple(Step):
        name = "triple"
        requires = ("double",)
        provides = "triple"

        def process_doc(self, doc, record):
            return record["double"] * 3

    class More:
        @hookimpl
        def register_steps(register):
            register(Triple)

    pm.register(Plugin)
    pm.register(More)
    pipeline = pipeline_from_dict({"textmill": 1, "name": "t", "steps": [
        {"use": "tokens"}, {"use": "double"}, {"use": "triple"}]}, pm)
    [record] = Engine(pipeline, nlp=spacy.blank("en")).process([Document("a", missing_key_text)])
    assert [e["type"] for e in record["errors"]] == ["KeyError", "SkippedError"]


@pytest.mark.parametrize("paragraphs, size", [(3000, 100_000)])
def test_engine_parses_long_documents_in_segments(engine, paragraphs, size):
    text = "A paragraph of plain words that goes on for a while.\n" * paragraphs
    assert len(text) > size
    [record] = engine.process([Document("long", text)])
    assert record["errors"] == [] and record["tokens"] == 13 * paragraphs  # 11 words, ".", "\n"
