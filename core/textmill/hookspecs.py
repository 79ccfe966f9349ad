"""Every hook textmill calls. An implementation may accept any subset of the arguments."""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("textmill")
hookimpl = pluggy.HookimplMarker("textmill")


@hookspec
def register_steps(register: Any) -> None:
    "Register pipeline steps: call register(StepClass) once per Step subclass"


@hookspec
def register_readers(register: Any) -> None:
    "Register input formats: call register(ReaderClass) once per Reader subclass"


@hookspec
def register_writers(register: Any) -> None:
    "Register output formats: call register(WriterClass) once per Writer subclass"


@hookspec
def register_commands(cli: Any) -> None:
    "Add click commands to the textmill command-line group"


@hookspec
def run_started(run: Any) -> None:
    "Observe the start of a run (after validation, before the first document)"


@hookspec
def batch_processed(run: Any, records: Any) -> None:
    "Observe each batch of finished records, in input order, before it is written"


@hookspec
def document_failed(run: Any, record: Any, error: Any) -> None:
    "Observe a document on which a step failed (the error is also in the record)"


@hookspec
def run_finished(run: Any, summary: Any) -> None:
    "Observe the end of a run, with its summary counts and exit code"
