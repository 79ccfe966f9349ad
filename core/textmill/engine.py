"""Parse a batch once and run every step on it, in one process."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .document import Document
from .errors import PluginError
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

    def process(self, documents: Sequence[Document]) -> list[Record]:
        """Records for ``documents``, in order; failures are recorded, never raised."""
        records = [new_record(d) for d in documents]
        errors: list[list[dict[str, str]]] = [[] for _ in documents]
        live = []
        for i, d in enumerate(documents):
            if d.error is not None:
                errors[i].append(error_entry("read", d.error, "ReadError"))
            else:
                live.append(i)
        docs = self._parse([documents[i].text for i in live], [errors[i] for i in live])
        pairs = [(doc, records[i], errors[i]) for doc, i in zip(docs, live, strict=True)
                 if doc is not None]
        for step in self.steps:
            self._run_step(step, pairs)
        for record, errs in zip(records, errors, strict=True):
            record["provenance"] = self.provenance
            record["errors"] = errs
        return records

    def _parse(self, texts: list[str], errors: list[list[dict[str, str]]]) -> list[Doc | None]:
        """One Doc per text; long texts in segments, failures recorded per document."""
        out: list[Doc | None] = [None] * len(texts)
        short = [i for i, t in enumerate(texts) if len(t) <= SEGMENT_CHARS]
        try:
            for i, doc in zip(short, self.nlp.pipe([texts[i] for i in short]), strict=True):
                out[i] = doc
            todo = [i for i in range(len(texts)) if len(texts[i]) > SEGMENT_CHARS]
        except Exception:
            todo = list(range(len(texts)))
        for i in todo:
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
