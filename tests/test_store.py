"""The SQLite store in process: hashes, fingerprints, incremental runs, failures, atomic batches."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from textmill import Document, get_plugin_manager, pipeline_from_dict
from textmill import executors as executors_module
from textmill.runner import run_pipeline
from textmill.store import Store, content_hash, fingerprint, model_identity


def words_pipeline(model, **changes):
    data = {"textmill": 1, "name": "words", "model": model, "batch_size": 8,
            "steps": [{"use": "words", "config": {"min_length": 2}}], **changes}
    return pipeline_from_dict(data, get_plugin_manager())


def corpus(n, explode=(), edit=None):
    docs = []
    for i in range(n):
        text = f"Document number {i} has some words." + (" EXPLODE" if i in explode else "")
        if edit and i in edit:
            text += " Edited."
        docs.append(Document(id=f"d{i:03d}", text=text, source=f"c/d{i:03d}.txt",
                             meta={"n": i}))
    return docs


@pytest.fixture
def engines(monkeypatch):
    """Counts engines built, to see that an all-skipped run never loads the model."""
    built = []
    real = executors_module.Engine

    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(executors_module, "Engine", counting)
    return built


def run(store, pipe, docs, **kwargs):
    return run_pipeline(pipe, docs, [], pm=get_plugin_manager(), store=store, **kwargs)


@pytest.mark.parametrize("a, b, same", [
    (("text", {"x": 1, "y": 2}), ("text", {"y": 2, "x": 1}), True),
    (("text", {}), ("text ", {}), False),
    (("text", {"x": 1}), ("text", {"x": 2}), False),
    (("a\ud800", {}), ("a\ud800", {}), True),  # lone surrogates from JSON still hash
])
def test_store_content_hash(a, b, same):
    assert (content_hash(*a) == content_hash(*b)) is same


@pytest.mark.parametrize("changes, same", [
    ({"output": [{"path": "out/2024-01-01/x.jsonl"}], "workers": 2, "batch_size": 3}, True),
    ({"steps": [{"use": "words", "config": {"min_length": 3}}]}, False),
])
def test_store_fingerprint_ignores_what_does_not_change_results(demo_plugin, blank_model,
                                                                changes, same):
    assert (fingerprint(words_pipeline(blank_model)) ==
            fingerprint(words_pipeline(blank_model, **changes))) is same


@pytest.mark.parametrize("name, expected", [("en_core_web_sm", "==3.8.0")])
def test_store_model_identity_without_spacy(name, expected):
    code = ("import sys; from textmill.store import model_identity; "
            f"print(model_identity({name!r}), 'spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0].endswith(expected) and out[1] == "False"


def test_store_model_identity_of_a_directory(blank_model):
    assert model_identity(blank_model) == f"{blank_model}:en_pipeline==0.0.0"


@pytest.mark.parametrize("n, explode", [(50, (3, 17, 41))])
def test_store_incremental_run_skips_unchanged(demo_plugin, blank_model, tmp_path, engines,
                                               n, explode):
    pipe = words_pipeline(blank_model)
    with Store(str(tmp_path / "s.db")) as store:
        first = run(store, pipe, corpus(n, explode))
        assert (first.processed, first.skipped, first.failed, first.exit_code) == (
            n - len(explode), 0, len(explode), 1)
        assert store.count("results") == n and store.count("documents") == n
        failures = store.failures()
        assert [f["doc_id"] for f in failures] == [f"d{i:03d}" for i in explode]
        assert all("exploded on purpose" in f["traceback"] and f["type"] == "ValueError"
                   for f in failures)
        built = len(engines)

        again = run(store, pipe, corpus(n, explode))
        assert (again.processed, again.skipped, again.failed) == (0, n, 0)
        assert len(engines) == built, "an all-skipped run must not build an engine"

        edited = run(store, pipe, corpus(n + 2, explode, edit={5}))
        assert (edited.processed, edited.skipped) == (3, n - 1)

        forced = run(store, pipe, corpus(n + 2, explode, edit={5}), force=True)
        assert (forced.processed, forced.skipped, forced.failed) == (n + 2 - 3, 0, 3)
        assert store.count("results") == n + 2 and store.count("failures") == 3
        rows = store.runs()
        assert [r["skipped"] for r in rows] == [0, n - 1, n, 0]
        # Skipped documents with open failures do not fail later runs: `failures` lists them.
        assert [r["exit_code"] for r in rows] == [1, 0, 0, 1]


@pytest.mark.parametrize("n", [6])
def test_store_new_fingerprint_reprocesses_and_export_takes_latest(demo_plugin, blank_model,
                                                                    tmp_path, n):
    with Store(str(tmp_path / "s.db")) as store:
        run(store, words_pipeline(blank_model), corpus(n))
        changed = words_pipeline(blank_model,
                                 steps=[{"use": "words", "config": {"min_length": 5}}])
        summary = run(store, changed, corpus(n))
        assert (summary.processed, summary.skipped) == (n, 0)
        assert store.count("results") == 2 * n  # results are kept per fingerprint
        latest = list(store.latest_records())
        assert [r["id"] for r in latest] == [f"d{i:03d}" for i in range(n)]
        assert all(r["words"] == 3 for r in latest)  # "Document", "number", "words"
        assert list(latest[0])[:4] == ["id", "source", "text", "meta"]
        assert latest[0]["text"] == corpus(n)[0].text and latest[0]["meta"] == {"n": 0}
        # Switching back: the latest result is not for this fingerprint, so it is redone.
        back = run(store, words_pipeline(blank_model), corpus(n))
        assert back.processed == n


@pytest.mark.parametrize("bad", [{1, 2}])
def test_store_batch_is_one_transaction(tmp_path, demo_plugin, blank_model, bad):
    path = str(tmp_path / "s.db")
    pipe = words_pipeline(blank_model)
    good = {"id": "a", "source": None, "text": "x", "meta": {}, "errors": []}
    unserialisable = {**good, "id": "b", "words": bad}
    with Store(path) as store:
        run_id = store.start_run(pipe, "fp", {})
        with pytest.raises(TypeError):
            store.save_batch(run_id, "fp", [good, unserialisable], counts=(2, 0, 0))
        store.save_batch(run_id, "fp", [good], counts=(1, 0, 0))
    # Another connection sees the committed batch only.
    db = sqlite3.connect(path)
    assert db.execute("SELECT doc_id FROM results").fetchall() == [("a",)]
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.parametrize("n, explode", [(5, (1,))])
def test_store_failed_documents_can_be_rebuilt(demo_plugin, blank_model, tmp_path, n, explode):
    pipe = words_pipeline(blank_model)
    docs = corpus(n, explode)
    with Store(str(tmp_path / "s.db")) as store:
        run(store, pipe, docs)
        failed = store.failed_documents()
        assert [doc for _, doc in failed] == [docs[i] for i in explode]
        file, data = store.run_pipeline_data(failed[0][0])
        assert data == pipe.data
