"""The embedded SQLite store: documents, results per pipeline fingerprint, runs and failures.

One store serves one pipeline over one growing corpus. Each batch of records is written
in one transaction (WAL mode), so a crash loses at most the batch in flight. Results keep
the record without its text; the text lives once, in ``texts``, also for retries. Views
(``documents``, ``entities``, ``mentions``, ``quotes``, ``numbers``, ``stances``) show each
document's latest result as the analysts' tables, for ``sqlite3`` and datasette.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import itertools
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from .document import Document
from .errors import UsageError
from .pipeline import Pipeline
from .step import Record

#: 1: tables only; 2: the document texts live in ``texts`` and the analysts' views exist.
SCHEMA_VERSION = 2
#: Documents looked up in the store per query when filtering out unchanged ones.
LOOKUP_BATCH = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS texts (
    id TEXT PRIMARY KEY, source TEXT, hash TEXT NOT NULL, text TEXT NOT NULL,
    meta TEXT NOT NULL, error TEXT, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, finished_at TEXT,
    pid INTEGER NOT NULL, pipeline TEXT NOT NULL, pipeline_file TEXT NOT NULL,
    pipeline_data TEXT NOT NULL, fingerprint TEXT NOT NULL, versions TEXT NOT NULL,
    options TEXT NOT NULL, processed INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, exit_code INTEGER);
CREATE TABLE IF NOT EXISTS results (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    hash TEXT NOT NULL, run_id INTEGER NOT NULL, failed INTEGER NOT NULL,
    record TEXT NOT NULL, UNIQUE (doc_id, fingerprint));
CREATE INDEX IF NOT EXISTS results_latest ON results (doc_id, seq);
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, run_id INTEGER NOT NULL,
    fingerprint TEXT NOT NULL, step TEXT NOT NULL, type TEXT NOT NULL, message TEXT NOT NULL,
    traceback TEXT, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS failures_doc ON failures (doc_id);
"""

# The analysts' tables as views over each document's latest result (the largest ``seq``),
# with the columns of the table writers (docs/sql-views.md): rows in document-id order, then
# item order; a step that did not run leaves its view empty. JSON columns are compact JSON.
# SQLite views carry no declared column types, so values are cast to the table's types.
# This is the one place where the core names the built-in steps' record keys: SQL views
# cannot be derived from the steps' item models until the steps declare them.
_LATEST = ("SELECT r.doc_id, r.record, t.text, t.source FROM results r JOIN texts t"
           " ON t.id = r.doc_id WHERE r.seq = (SELECT MAX(seq) FROM results"
           " WHERE doc_id = r.doc_id)")


def _linked(prefix: str, path: str) -> str:
    """``X_entity, X_text, X_key, X_name`` of a link (at ``path`` in the item) to an entity.

    Key and name come from the same document's entities; with no entity, the name is the text.
    """
    entity = f"json_extract(i.value, '{path}.entity')"
    text = f"json_extract(i.value, '{path}.text')"
    return (f" {entity} AS {prefix}_entity, {text} AS {prefix}_text,"
            f" {prefix}e.key AS {prefix}_key,"
            f" CASE WHEN {entity} IS NULL THEN {text} ELSE {prefix}e.name END AS {prefix}_name")


def _join_entity(prefix: str, path: str) -> str:
    return (f" LEFT JOIN entities {prefix}e ON {prefix}e.doc_id = l.doc_id"
            f" AND {prefix}e.id = json_extract(i.value, '{path}.entity')")


def _int(path: str, of: str = "i.value") -> str:
    return f"CAST(json_extract({of}, '{path}') AS INTEGER)"


def _real(path: str) -> str:
    return f"CAST(json_extract(i.value, '{path}') AS REAL)"


_VIEWS: dict[str, str] = {
    "documents": (
        "SELECT l.doc_id AS doc_id, l.source AS source,"
        " json_extract(l.record, '$.meta.title') AS title,"
        " json_extract(l.record, '$.meta.date') AS date,"
        " json_extract(l.record, '$.meta.url') AS url,"
        " json(COALESCE(json_extract(l.record, '$.meta'), '{}')) AS meta,"
        " length(l.text) AS chars, l.text AS text,"
        " json(COALESCE(json_extract(l.record, '$.errors'), '[]')) AS errors"
        " FROM latest l ORDER BY l.doc_id"),
    "entities": (
        "SELECT l.doc_id AS doc_id, json_extract(i.value, '$.id') AS id,"
        " json_extract(i.value, '$.key') AS key, json_extract(i.value, '$.name') AS name,"
        f" json_extract(i.value, '$.label') AS label, {_int('$.count')} AS count"
        " FROM latest l, json_each(l.record, '$.entities') i ORDER BY l.doc_id, i.key"),
    "mentions": (
        "SELECT l.doc_id AS doc_id, json_extract(i.value, '$.id') AS entity_id,"
        f" {_int('$.start', 'm.value')} AS start, {_int('$.end', 'm.value')} AS \"end\","
        " json_extract(m.value, '$.text') AS text"
        " FROM latest l, json_each(l.record, '$.entities') i, json_each(i.value, '$.mentions') m"
        " ORDER BY l.doc_id, i.key, m.key"),
    "quotes": (
        "SELECT l.doc_id AS doc_id, json_extract(i.value, '$.id') AS id,"
        f" json_extract(i.value, '$.kind') AS kind, {_int('$.start')} AS start,"
        f" {_int('$.end')} AS \"end\", json_extract(i.value, '$.text') AS text,"
        " json_extract(i.value, '$.spans') AS spans,"
        " json_extract(i.value, '$.speaker.text') AS speaker_text,"
        f" {_int('$.speaker.start')} AS speaker_start, {_int('$.speaker.end')} AS speaker_end,"
        " json_extract(i.value, '$.speaker.entity') AS speaker_entity,"
        " speakere.key AS speaker_key,"
        " CASE WHEN json_extract(i.value, '$.speaker.entity') IS NULL"
        " THEN json_extract(i.value, '$.speaker.text') ELSE speakere.name END AS speaker_name,"
        " json_extract(i.value, '$.cue.text') AS cue_text,"
        f" {_int('$.cue.start')} AS cue_start, {_int('$.cue.end')} AS cue_end,"
        " json_extract(i.value, '$.cue.lemma') AS cue_lemma"
        " FROM latest l, json_each(l.record, '$.quotes') i"
        + _join_entity("speaker", "$.speaker") + " ORDER BY l.doc_id, i.key"),
    "numbers": (
        "SELECT l.doc_id AS doc_id, json_extract(i.value, '$.id') AS id,"
        f" {_int('$.start')} AS start, {_int('$.end')} AS \"end\","
        " json_extract(i.value, '$.text') AS text, json_extract(i.value, '$.kind') AS kind,"
        " CASE WHEN json_type(i.value, '$.value') = 'array' THEN NULL"
        f" ELSE {_real('$.value')} END AS value,"
        " CASE WHEN json_type(i.value, '$.value') = 'array'"
        f" THEN {_real('$.value[0]')} END AS value_low,"
        " CASE WHEN json_type(i.value, '$.value') = 'array'"
        f" THEN {_real('$.value[1]')} END AS value_high,"
        " json_extract(i.value, '$.unit') AS unit,"
        f" {_int('$.approximate')} AS approximate,"
        " json_extract(i.value, '$.qualifier') AS qualifier,"
        " json_extract(i.value, '$.counted') AS counted"
        " FROM latest l, json_each(l.record, '$.numbers') i ORDER BY l.doc_id, i.key"),
    "stances": (
        "SELECT l.doc_id AS doc_id," + _linked("holder", "$.holder") + ","
        + _linked("target", "$.target") + ","
        f" json_extract(i.value, '$.label') AS label, {_real('$.score')} AS score,"
        " json_extract(i.value, '$.evidence') AS evidence"
        " FROM latest l, json_each(l.record, '$.stances') i"
        + _join_entity("holder", "$.holder") + _join_entity("target", "$.target")
        + " ORDER BY l.doc_id, i.key"),
}


def _schema_statements() -> list[str]:
    """The tables, indexes and views of the current schema, one statement each.

    Views are dropped and created again: a new schema version may change their columns.
    """
    out = [stmt for stmt in _SCHEMA.split(";") if stmt.strip()]
    for name, select in _VIEWS.items():
        out.append(f"DROP VIEW IF EXISTS {name}")
        out.append(f"CREATE VIEW {name} AS WITH latest AS ({_LATEST}) {select}")
    return out


def now() -> str:
    """Local time with its UTC offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def content_hash(text: str, meta: dict[str, Any]) -> str:
    """sha256 of a document's text and its metadata (keys sorted)."""
    blob = text + "\0" + json.dumps(meta, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


def model_identity(name: str) -> str:
    """'package==version' of a spaCy model, read from its meta.json without importing spaCy."""
    from .models import resolve_model

    resolved = resolve_model(name)
    if os.path.isdir(resolved):  # a model on disk: its path is part of what it is
        where, label = Path(resolved), os.path.abspath(resolved)
    else:
        spec = importlib.util.find_spec(resolved)
        locations = list(spec.submodule_search_locations or []) if spec else []
        where, label = (Path(locations[0]) if locations else None), resolved
    try:
        meta = json.loads((where / "meta.json").read_text(encoding="utf-8"))  # type: ignore[operator]
        return f"{label}:{meta.get('lang')}_{meta.get('name')}=={meta.get('version')}"
    except (OSError, TypeError, ValueError):
        try:
            return f"{label}=={importlib.metadata.version(resolved)}"
        except importlib.metadata.PackageNotFoundError:
            return f"{label}==unknown"


def versions(pipeline: Pipeline) -> dict[str, Any]:
    """Versions that produced a run's results: textmill, Python, spaCy, model and plugins."""
    from . import __version__

    try:
        spacy_version = importlib.metadata.version("spacy")
    except importlib.metadata.PackageNotFoundError:
        spacy_version = None
    plugins = {s.registered.distribution or s.registered.plugin: s.registered.version
               for s in pipeline.steps}
    return {"textmill": __version__, "python": sys.version.split()[0], "spacy": spacy_version,
            "model": model_identity(pipeline.spec.model), "plugins": plugins}


def fingerprint(pipeline: Pipeline) -> str:
    """What decides whether a stored result is still valid: steps, configs, plugins, model.

    Output paths, workers and batch size are left out on purpose: they change from run to
    run (``out/${RUN_DATE}/...``) without changing any result.
    """
    v = versions(pipeline)
    return pipeline.fingerprint({"model_version": v["model"], "textmill": v["textmill"]})


class Store:
    """A textmill store; ``with Store(path) as store:`` opens (creating it) and closes it."""

    def __init__(self, path: str) -> None:
        self.path = path
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        try:
            # Autocommit mode: transactions are opened explicitly, one per batch.
            self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes
            version = self._schema_version()
        except sqlite3.Error as exc:
            raise UsageError(f"cannot open store {path!r}: {exc}. Hint: --store names an "
                             "SQLite file that textmill created, or a new file.") from None
        if version is not None and version > SCHEMA_VERSION:
            raise UsageError(f"store {path!r} has schema version {version}, newer than this "
                             f"textmill's ({SCHEMA_VERSION}). Hint: upgrade textmill.")
        if version != SCHEMA_VERSION:  # a new store, or an older one: its one write on open
            try:
                self._create_or_upgrade()
            except sqlite3.Error as exc:
                raise UsageError(f"cannot upgrade store {path!r} from schema version {version} "
                                 f"to {SCHEMA_VERSION}: {exc}. Hint: open it once with write "
                                 "access (any textmill command with --store does it).") from None

    def _create_or_upgrade(self) -> None:
        """Create the schema, or migrate an older one, in one transaction."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            version = self._schema_version()  # again: another process may have done it
            if version == 1:
                # Version 2 names the stored texts ``texts``: ``documents`` is now a view.
                self.db.execute("ALTER TABLE documents RENAME TO texts")
            if version != SCHEMA_VERSION:
                for statement in _schema_statements():
                    self.db.execute(statement)
                self.db.execute("INSERT OR REPLACE INTO info VALUES ('schema', ?)",
                                (str(SCHEMA_VERSION),))
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _schema_version(self) -> int | None:
        try:
            row = self.db.execute("SELECT value FROM info WHERE key = 'schema'").fetchone()
        except sqlite3.OperationalError:  # no such table: a new, empty database
            return None
        return int(row[0]) if row else None

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- runs ---------------------------------------------------------------------------

    def start_run(self, pipeline: Pipeline, fp: str, options: dict[str, Any]) -> int:
        """Record the start of a run; return its id."""
        cur = self.db.execute(
            "INSERT INTO runs (started_at, pid, pipeline, pipeline_file, pipeline_data,"
            " fingerprint, versions, options) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (now(), os.getpid(), pipeline.spec.name, _abspath(pipeline.file),
             json.dumps(pipeline.data, default=str), fp, json.dumps(versions(pipeline)),
             json.dumps(options, default=str)))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, *, processed: int, skipped: int, failed: int,
                   exit_code: int) -> None:
        """Record the end of a run with its final counts and exit code."""
        self.db.execute("UPDATE runs SET finished_at=?, processed=?, skipped=?, failed=?,"
                        " exit_code=? WHERE id=?",
                        (now(), processed, skipped, failed, exit_code, run_id))

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The most recent runs, newest first."""
        cur = self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [_row(cur, r) for r in cur.fetchall()]

    def run_pipeline_data(self, run_id: int) -> tuple[str, dict[str, Any]]:
        """The pipeline file and interpolated data a run used."""
        row = self.db.execute("SELECT pipeline_file, pipeline_data FROM runs WHERE id=?",
                              (run_id,)).fetchone()
        if row is None:
            raise KeyError(run_id)
        return row[0], json.loads(row[1])

    # -- incremental runs ---------------------------------------------------------------

    def pending(self, documents: Iterable[Document], fp: str, *, force: bool = False,
                on_skip: Callable[[int], None] = lambda n: None) -> Iterator[Document]:
        """Documents whose latest result is not for this content and fingerprint."""
        it = iter(documents)
        while batch := list(itertools.islice(it, LOOKUP_BATCH)):
            done = {} if force else self._latest({d.id for d in batch})
            skipped = 0
            for doc in batch:
                if done.get(doc.id) == (fp, content_hash(doc.text, doc.meta)):
                    skipped += 1
                else:
                    yield doc
            if skipped:
                on_skip(skipped)

    def _latest(self, ids: set[str]) -> dict[str, tuple[str, str]]:
        marks = ",".join("?" * len(ids))
        cur = self.db.execute(
            "SELECT r.doc_id, r.fingerprint, r.hash FROM results r JOIN (SELECT MAX(seq) AS seq"
            f" FROM results WHERE doc_id IN ({marks}) GROUP BY doc_id) l ON r.seq = l.seq",
            tuple(ids))
        return {doc_id: (fp, h) for doc_id, fp, h in cur.fetchall()}

    def save_batch(self, run_id: int, fp: str, records: list[Record], *,
                   counts: tuple[int, int, int]) -> None:
        """Write a batch's documents, results and failures and the run's counts, atomically."""
        stamp = now()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for record in records:
                self._save_record(run_id, fp, record, stamp)
            self.db.execute("UPDATE runs SET processed=?, skipped=?, failed=? WHERE id=?",
                            (*counts, run_id))
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _save_record(self, run_id: int, fp: str, record: Record, stamp: str) -> None:
        doc_id, text, meta = record["id"], record["text"], record.get("meta") or {}
        errors = record.get("errors") or []
        read_error = next((e["message"] for e in errors if e.get("step") == "read"), None)
        h = content_hash(text, meta)
        self.db.execute(
            "INSERT OR REPLACE INTO texts VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc_id, record.get("source"), h, text, json.dumps(meta, ensure_ascii=False),
             read_error, stamp))
        stored = {k: v for k, v in record.items() if k != "text"}
        # REPLACE deletes and re-inserts, so the newest result always has the largest seq.
        self.db.execute(
            "INSERT OR REPLACE INTO results (doc_id, fingerprint, hash, run_id, failed, record)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (doc_id, fp, h, run_id, int(bool(errors)),
             json.dumps(stored, ensure_ascii=False, separators=(",", ":"))))
        self.db.execute("DELETE FROM failures WHERE doc_id=?", (doc_id,))
        self.db.executemany(
            "INSERT INTO failures (doc_id, run_id, fingerprint, step, type, message, traceback,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, run_id, fp, e.get("step", "?"), e.get("type", "Error"),
              e.get("message", ""), getattr(e, "traceback", None), stamp) for e in errors])

    # -- reading ------------------------------------------------------------------------

    def latest_records(self) -> Iterator[Record]:
        """The latest result of every document, ordered by document id."""
        cur = self.db.execute(
            "SELECT r.record, d.text FROM results r JOIN (SELECT MAX(seq) AS seq FROM results"
            " GROUP BY doc_id) l ON r.seq = l.seq JOIN texts d ON d.id = r.doc_id"
            " ORDER BY r.doc_id")
        for blob, text in cur:
            yield _with_text(json.loads(blob), text)

    def failures(self) -> list[dict[str, Any]]:
        """Open failures (those of each document's latest result), by document id."""
        cur = self.db.execute(
            "SELECT doc_id, run_id, step, type, message, traceback, created_at FROM failures"
            " ORDER BY doc_id, id")
        return [_row(cur, r) for r in cur.fetchall()]

    def failed_documents(self) -> list[tuple[int, Document]]:
        """Each failed document, rebuilt from the store, with the run that failed it."""
        cur = self.db.execute(
            "SELECT d.id, d.source, d.text, d.meta, d.error, MAX(f.run_id) FROM failures f"
            " JOIN texts d ON d.id = f.doc_id GROUP BY d.id ORDER BY d.id")
        return [(run_id, Document(id=i, text=text, source=source, meta=json.loads(meta),
                                  error=error))
                for i, source, text, meta, error, run_id in cur.fetchall()]

    def failed_count(self) -> int:
        """Documents with open failures."""
        return int(self.db.execute("SELECT COUNT(DISTINCT doc_id) FROM failures").fetchone()[0])

    def count(self, table: str) -> int:
        """Rows in ``table``: documents (stored texts), results, runs, failures, or a view."""
        if table not in {"documents", "results", "runs", "failures", *_VIEWS}:
            raise ValueError(f"unknown table {table!r}")
        table = "texts" if table == "documents" else table
        return int(self.db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])

    def view(self, name: str) -> list[dict[str, Any]]:
        """All rows of one of the analysts' views (documents, entities, mentions, quotes,
        numbers, stances), as dicts in the view's column order."""
        if name not in _VIEWS:
            raise ValueError(f"unknown view {name!r}; expected one of {', '.join(_VIEWS)}")
        cur = self.db.execute(f"SELECT * FROM {name}")
        return [_row(cur, r) for r in cur.fetchall()]


def _with_text(stored: Record, text: str) -> Record:
    """Put ``text`` back after ``source``, where the contract's key order has it."""
    out: Record = {}
    for key, value in stored.items():
        out[key] = value
        if key == "source":
            out["text"] = text
    out.setdefault("text", text)
    return out


def _row(cur: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {d[0]: v for d, v in zip(cur.description, row, strict=True)}


def _abspath(file: str) -> str:
    return os.path.abspath(file) if os.path.exists(file) else file
