"""The SQLite store in process: hashes, fingerprints, incremental runs, failures, atomic batches."""

from __future__ import annotations

import json
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


# --- the analysts' views (docs/tables.md) -----------------------------------------------------

VIEWS = ("documents", "entities", "mentions", "quotes", "numbers", "stances")


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def linked(prefix, link, entities):
    """X_entity, X_text, X_key, X_name of a link, as docs/tables.md defines them."""
    link = link or {}
    entity = link.get("entity")
    row = entities.get(entity, {})
    return {f"{prefix}_entity": entity, f"{prefix}_text": link.get("text"),
            f"{prefix}_key": row.get("key") if entity else None,
            f"{prefix}_name": row.get("name") if entity else link.get("text")}


def expected_tables(records):
    """The rows each view must hold, built from the JSON records as docs/tables.md says."""
    out = {name: [] for name in VIEWS}
    for r in sorted(records, key=lambda r: r["id"]):
        d, meta = r["id"], r.get("meta") or {}
        out["documents"].append({
            "doc_id": d, "source": r.get("source"), "title": meta.get("title"),
            "date": meta.get("date"), "url": meta.get("url"), "meta": compact(meta),
            "chars": len(r["text"]), "text": r["text"], "errors": compact(r["errors"])})
        entities = {e["id"]: e for e in r.get("entities") or []}
        for e in r.get("entities") or []:
            out["entities"].append({"doc_id": d, "id": e["id"], "key": e.get("key"),
                                    "name": e["name"], "label": e["label"],
                                    "count": e["count"]})
            out["mentions"] += [{"doc_id": d, "entity_id": e["id"], "start": m["start"],
                                 "end": m["end"], "text": m["text"]} for m in e["mentions"]]
        for q in r.get("quotes") or []:
            speaker, cue = q["speaker"] or {}, q["cue"] or {}
            out["quotes"].append({
                "doc_id": d, "id": q["id"], "kind": q["kind"], "start": q["start"],
                "end": q["end"], "text": q["text"], "spans": compact(q["spans"]),
                "speaker_text": speaker.get("text"), "speaker_start": speaker.get("start"),
                "speaker_end": speaker.get("end"),
                **{k: v for k, v in linked("speaker", speaker, entities).items()
                   if k != "speaker_text"},
                "cue_text": cue.get("text"), "cue_start": cue.get("start"),
                "cue_end": cue.get("end"), "cue_lemma": cue.get("lemma")})
        for n in r.get("numbers") or []:
            value = n["value"]
            ranged = isinstance(value, list)
            out["numbers"].append({
                "doc_id": d, "id": n["id"], "start": n["start"], "end": n["end"],
                "text": n["text"], "kind": n["kind"],
                "value": None if ranged or value is None else float(value),
                "value_low": float(value[0]) if ranged else None,
                "value_high": float(value[1]) if ranged else None,
                "unit": n["unit"], "approximate": int(n["approximate"]),
                "qualifier": n["qualifier"], "counted": n["counted"]})
        for s in r.get("stances") or []:
            out["stances"].append({
                "doc_id": d, **linked("holder", s["holder"], entities),
                **linked("target", s["target"], entities), "label": s["label"],
                "score": float(s["score"]), "evidence": compact(s["evidence"])})
    return out


NEWS = [{"use": "entities"}, {"use": "quotes"}, {"use": "numbers"}, {"use": "stance"}]
NEWS_DOCS = [
    Document(id="b-trip", source="in/b-trip.txt", meta={
        "title": "Zelensky in Washington", "date": "2024-11-05",
        "url": "https://example.org/b-trip", "tags": ["ukraine", "é"]},
        text="President Volodymyr Zelensky met officials in Washington on Monday. "
             "“We will hold the line,” Zelensky said. About 3,000 troops had arrived, and "
             "between 30 and 40 percent of them were volunteers, officials said."),
    Document(id="a-race", source="in/a-race.txt", meta={},
             text="Hillary Clinton criticized Donald Trump in Ohio. Clinton said that "
                  "Trump’s plan would fail. A source said the campaign spent $2 million."),
]


@pytest.fixture(scope="module")
def news_store(tmp_path_factory):
    """A store written by a real run of the four built-in steps, and that run's records."""
    path = str(tmp_path_factory.mktemp("views") / "news.db")
    pipe = pipeline_from_dict({"textmill": 1, "name": "news", "model": "en_core_web_sm",
                               "steps": NEWS}, get_plugin_manager())
    with Store(path) as store:
        summary = run(store, pipe, NEWS_DOCS)
        assert summary.exit_code == 0
        records = list(store.latest_records())
    return path, records


@pytest.mark.model
@pytest.mark.parametrize("view", VIEWS)
def test_store_views_match_the_records(news_store, view):
    path, records = news_store
    with Store(path) as store:
        rows = store.view(view)
    expected = expected_tables(records)[view]
    assert rows, f"the run gave no {view}"
    assert rows == expected
    assert list(rows[0]) == list(expected[0])  # the columns, in docs/tables.md's order


@pytest.mark.model
def test_store_views_answer_the_readme_query(news_store):
    path, records = news_store
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)  # another reader, as sqlite3 is
    top = dict(db.execute("select speaker_name, count(*) from quotes group by 1 "
                          "order by 2 desc limit 10").fetchall())
    # '“We will hold the line,” Zelensky said.': counted under the entity's name, not "Zelensky"
    assert top["Volodymyr Zelensky"] == 1 and "Zelensky" not in top
    keys = db.execute("select key, name from entities where doc_id = 'b-trip' "
                      "and label = 'PERSON'").fetchall()
    assert keys == [("person:volodymyr-zelensky", "Volodymyr Zelensky")]
    speaker = db.execute("select speaker_key from quotes where doc_id = 'b-trip' "
                         "and text like 'We will hold%'").fetchall()
    assert speaker == [("person:volodymyr-zelensky",)]
    ranges = db.execute("select value, value_low, value_high from numbers "
                        "where value_low is not null").fetchall()
    assert ranges == [(None, 30.0, 40.0)]  # "between 30 and 40 percent": [30, 40]
    assert db.execute("select title, date, url from documents where doc_id = 'b-trip'"
                      ).fetchall() == [("Zelensky in Washington", "2024-11-05",
                                        "https://example.org/b-trip")]


def saved(store, fp, records):
    """Store hand-written records as a run would (no model: the views only read records)."""
    pipe = pipeline_from_dict({"textmill": 1, "name": "stub", "steps": [{"use": "entities"}]})
    run_id = store.start_run(pipe, fp, {})
    store.save_batch(run_id, fp, records, counts=(len(records), 0, 0))


def record(doc_id, **items):
    return {"id": doc_id, "source": None, "text": f"text of {doc_id}", "meta": {},
            **items, "errors": []}


ENTITY = {"id": "e1", "key": "person:ada-lovelace", "name": "Ada Lovelace", "label": "PERSON",
          "count": 1, "mentions": [{"start": 0, "end": 4, "text": "text"}]}


@pytest.mark.parametrize("doc_id", ["d1"])
def test_store_views_show_the_latest_result_only(tmp_path, doc_id):
    with Store(str(tmp_path / "s.db")) as store:
        saved(store, "fp-old", [record(doc_id, entities=[ENTITY])])
        renamed = {**ENTITY, "name": "Ada King", "key": "person:ada-king"}
        saved(store, "fp-new", [record(doc_id, entities=[renamed])])
        assert store.count("results") == 2  # both results are kept ...
        assert [(r["name"], r["key"]) for r in store.view("entities")] == [
            ("Ada King", "person:ada-king")]  # ... the views show the latest
        assert store.view("mentions") == [
            {"doc_id": doc_id, "entity_id": "e1", "start": 0, "end": 4, "text": "text"}]
        # steps that did not run leave their views empty
        assert [store.count(v) for v in ("quotes", "numbers", "stances")] == [0, 0, 0]
        saved(store, "fp-new", [record(doc_id)])  # a rerun without the entities step
        assert store.view("entities") == [] and store.count("documents") == 1


@pytest.mark.parametrize("view", ["quotes", "stances"])
def test_store_views_link_names_from_the_same_document(tmp_path, view):
    """X_name is the linked entity's name in the same document, or X_text with no link."""
    other = {**ENTITY, "name": "Someone Else", "key": "person:someone-else"}
    linked_quote = {"id": "q1", "kind": "direct", "start": 0, "end": 4, "text": "text",
                    "spans": [[0, 4]], "speaker": {"text": "Ada", "start": 0, "end": 3,
                                                   "entity": "e1"},
                    "cue": {"text": "said", "start": 5, "end": 9, "lemma": "say"}}
    bare_quote = {**linked_quote, "id": "q2", "speaker": {"text": "a source", "start": 0,
                                                          "end": 8, "entity": None}}
    stance = {"holder": {"entity": "e1", "text": "Ada"}, "target": {"entity": None,
                                                                   "text": "the plan"},
              "label": "favor", "score": 0.5, "evidence": [{"start": 0, "end": 4}]}
    with Store(str(tmp_path / "s.db")) as store:
        saved(store, "fp", [
            record("d1", entities=[ENTITY], quotes=[linked_quote, bare_quote],
                   stances=[stance]),
            record("d2", entities=[other], quotes=[linked_quote], stances=[stance])])
        rows = store.view(view)
    prefix = "speaker" if view == "quotes" else "holder"
    got = [(r["doc_id"], r[f"{prefix}_key"], r[f"{prefix}_name"]) for r in rows]
    if view == "quotes":
        assert got == [("d1", "person:ada-lovelace", "Ada Lovelace"), ("d1", None, "a source"),
                       ("d2", "person:someone-else", "Someone Else")]
    else:
        assert got == [("d1", "person:ada-lovelace", "Ada Lovelace"),
                       ("d2", "person:someone-else", "Someone Else")]
        assert [(r["target_key"], r["target_name"], r["score"]) for r in rows] == [
            (None, "the plan", 0.5)] * 2


# The schema of version 1 (textmill 0.1.0 before the views), to test the upgrade.
SCHEMA_V1 = """
CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    id TEXT PRIMARY KEY, source TEXT, hash TEXT NOT NULL, text TEXT NOT NULL,
    meta TEXT NOT NULL, error TEXT, updated_at TEXT NOT NULL);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, finished_at TEXT,
    pid INTEGER NOT NULL, pipeline TEXT NOT NULL, pipeline_file TEXT NOT NULL,
    pipeline_data TEXT NOT NULL, fingerprint TEXT NOT NULL, versions TEXT NOT NULL,
    options TEXT NOT NULL, processed INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, exit_code INTEGER);
CREATE TABLE results (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    hash TEXT NOT NULL, run_id INTEGER NOT NULL, failed INTEGER NOT NULL,
    record TEXT NOT NULL, UNIQUE (doc_id, fingerprint));
CREATE INDEX results_latest ON results (doc_id, seq);
CREATE TABLE failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, run_id INTEGER NOT NULL,
    fingerprint TEXT NOT NULL, step TEXT NOT NULL, type TEXT NOT NULL, message TEXT NOT NULL,
    traceback TEXT, created_at TEXT NOT NULL);
INSERT INTO info VALUES ('schema', '1');
INSERT INTO documents VALUES ('d1', 'in/d1.txt', 'h', 'Ada wrote.', '{"n": 1}', NULL, 'now');
INSERT INTO results (doc_id, fingerprint, hash, run_id, failed, record) VALUES
    ('d1', 'fp', 'h', 1, 0,
     '{"id":"d1","source":"in/d1.txt","meta":{"n":1},"entities":[],"errors":[]}');
"""


@pytest.mark.parametrize("doc_id", ["d1"])
def test_store_upgrades_a_version_1_store(tmp_path, doc_id):
    path = str(tmp_path / "old.db")
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_V1)
    db.close()
    with Store(path) as store:
        assert [r["text"] for r in store.latest_records()] == ["Ada wrote."]
        assert store.view("documents") == [{
            "doc_id": doc_id, "source": "in/d1.txt", "title": None, "date": None, "url": None,
            "meta": '{"n":1}', "chars": 10, "text": "Ada wrote.", "errors": "[]"}]
    db = sqlite3.connect(path)
    kinds = dict(db.execute("SELECT name, type FROM sqlite_master WHERE name IN "
                            "('texts', 'documents', 'quotes')").fetchall())
    assert kinds == {"texts": "table", "documents": "view", "quotes": "view"}
    assert db.execute("SELECT value FROM info WHERE key = 'schema'").fetchone() == ("2",)
