"""Parse a batch once and run every step on it, in one process."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .deadline import Deadline, DocumentTimeoutError
from .document import Document
from .errors import PluginError
from .inputs import too_long, unencodable
from .longdocs import SEGMENT_CHARS, parse_long
from .models import load_model, model_version
from .pipeline import Pipeline
from .step import Record, Step

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


def new_record(doc: Document) -> Record:
    """The record skeleton every document gets, in the contract's key order."""
    return {"id": doc.id, "source": doc.source, "text": doc.text, "meta": doc.meta}


class ErrorEntry(dict):  # type: ignore[type-arg]
    """An ``errors`` entry; the traceback rides along as an attribute, not a key.

    It survives pickling to and from worker processes, stays out of the JSON output
    (the contract's entries have only step, type and message), and the store keeps it.
    """

    traceback: str | None = None


def error_entry(step: str, exc: BaseException | str, type_: str | None = None) -> dict[str, str]:
    """One entry of a record's ``errors`` list."""
    if isinstance(exc, BaseException):
        message = str(exc) or type(exc).__name__
        entry = ErrorEntry(step=step, type=type_ or type(exc).__name__, message=message)
        entry.traceback = "".join(traceback.format_exception(exc))
        return entry
    return {"step": step, "type": type_ or "Error", "message": exc}


class Engine:
    """Loads the model and the steps once, then turns batches of Documents into records."""

    def __init__(self, pipeline: Pipeline, nlp: Language | None = None) -> None:
        self.pipeline = pipeline
        self.nlp = nlp if nlp is not None else load_model(pipeline.spec.model,
                                                           pipeline.components)
        self.steps: list[Step] = []
        for bound in pipeline.steps:
            step = bound.instantiate()
            try:
                step.setup(self.nlp)
            except Exception as exc:
                reg = bound.registered
                raise PluginError(
                    f"step {bound.name!r} (plugin {reg.plugin!r}, distribution "
                    f"{reg.distribution!r} {reg.version or ''}) failed to set up: "
                    f"{type(exc).__name__}: {exc}") from exc
            self.steps.append(step)
        self.provenance = {
            b.name: {"plugin": b.registered.distribution or b.registered.plugin,
                     "version": b.registered.version, "config": b.config_hash()}
            for b in pipeline.steps
        }
        self.model = model_version(self.nlp)
        self.max_doc_chars: int | None = pipeline.spec.max_doc_chars
        self.doc_timeout: float | None = pipeline.spec.doc_timeout

    def process(self, documents: Sequence[Document]) -> list[Record]:
        """Records for ``documents``, in order; failures are recorded, never raised."""
        records = [new_record(d) for d in documents]
        errors: list[list[dict[str, str]]] = [[] for _ in documents]
        live = []
        for i, d in enumerate(documents):
            problem = self._refusal(d, records[i])
            if problem is not None:
                errors[i].append(error_entry("read", problem, "ReadError"))
            else:
                live.append(i)
        if self.doc_timeout is not None:
            for i in live:  # one at a time, each under its own deadline
                self._process_timed(documents[i].text, records[i], errors[i], self.doc_timeout)
        else:
            docs = self._parse([documents[i].text for i in live], [errors[i] for i in live])
            pairs = [(doc, records[i], errors[i]) for doc, i in zip(docs, live, strict=True)
                     if doc is not None]
            for step in self.steps:
                self._run_step(step, pairs)
        for record, errs in zip(records, errors, strict=True):
            record["provenance"] = self.provenance
            record["errors"] = errs
        return records

    def _refusal(self, doc: Document, record: Record) -> str | None:
        """Why ``doc`` is not processed at all (unreadable, not Unicode, too long), or None."""
        if doc.error is not None:
            return doc.error
        if unencodable([doc.text, doc.id, doc.meta]):
            # The record must still be writable as UTF-8 JSON: drop what cannot be.
            record.update(id=doc.id.encode("utf-8", "backslashreplace").decode("utf-8"),
                          text="", meta={} if unencodable(doc.meta) else doc.meta)
            return (f"{doc.source or doc.id}: text, id or meta holds an unpaired surrogate, "
                    "which is not Unicode text; skipped")
        if self.max_doc_chars is not None and len(doc.text) > self.max_doc_chars:
            return too_long(doc.source or doc.id, f"{len(doc.text):,} characters",
                            self.max_doc_chars)
        return None

    def _process_timed(self, text: str, record: Record, errs: list[dict[str, str]],
                       seconds: float) -> None:
        """Parse and run every step on one text; past ``seconds``, record a timeout and stop."""
        stage = "parse"
        try:
            with Deadline(seconds):
                [doc] = self._parse([text], [errs])
                if doc is None:
                    return
                for step in self.steps:
                    stage = step.name
                    self._run_step(step, [(doc, record, errs)])
        except DocumentTimeoutError as exc:
            entry = error_entry(stage, exc)
            entry["message"] = (f"{exc} in {'parsing' if stage == 'parse' else repr(stage)}"
                                "; later steps were not run")
            errs.append(entry)

    def _parse(self, texts: list[str], errors: list[list[dict[str, str]]]) -> list[Doc | None]:
        """One Doc per text; long texts in segments, failures recorded per document."""
        out: list[Doc | None] = [None] * len(texts)
        short = [i for i, t in enumerate(texts) if len(t) <= SEGMENT_CHARS]
        try:
            for i, doc in zip(short, self.nlp.pipe([texts[i] for i in short]), strict=True):
                out[i] = doc
        except Exception:
            pass  # the texts not parsed yet are retried one by one below, isolating the bad one
        for i in (i for i, doc in enumerate(out) if doc is None):
            try:
                out[i] = parse_long(self.nlp, texts[i])
            except Exception as exc:
                errors[i].append(error_entry("parse", exc))
                out[i] = None
        return out

    def _run_step(self, step: Step, pairs: list[tuple[Doc, Record, list[dict[str, str]]]]) -> None:
        key = step.provides
        ready = []
        for doc, record, errs in pairs:
            missing = [k for k in step.requires if k not in record]
            if missing:
                errs.append(error_entry(step.name, f"skipped: {missing[0]!r} is missing because "
                                        "an earlier step failed", "SkippedError"))
            else:
                ready.append((doc, record, errs))
        if not ready:
            return
        try:
            values = step.process([p[0] for p in ready], [p[1] for p in ready])
            if len(values) != len(ready):
                raise RuntimeError(f"step {step.name!r} returned {len(values)} values "
                                   f"for {len(ready)} documents")
        except Exception:
            values = [self._one(step, doc, record, errs) for doc, record, errs in ready]
        for (_, record, _), value in zip(ready, values, strict=True):
            if value is not _FAILED:
                record[key] = value

    def _one(self, step: Step, doc: Doc, record: Record, errs: list[dict[str, str]]) -> Any:
        try:
            return step.process([doc], [record])[0]
        except Exception as exc:
            errs.append(error_entry(step.name, exc))
            return _FAILED


_FAILED = object()
