"""Run a validated pipeline over a stream of documents: chunk, execute, write, summarise."""

from __future__ import annotations

import itertools
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from loguru import logger

from .document import Document
from .errors import NoInputError
from .executors import Executor, make_executor
from .outputs import JsonlSink
from .pipeline import Pipeline
from .plugins import PluginManager
from .step import Record
from .store import Store, fingerprint


@dataclass
class Summary:
    """Counts of a finished run and the exit code they imply."""

    processed: int = 0
    skipped: int = 0
    failed: int = 0
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 2
        return 1 if self.failed else 0

    def line(self) -> str:
        """The one summary line printed on stderr at the end of every run."""
        rate = self.processed / self.seconds if self.seconds else 0.0
        state = " interrupted" if self.interrupted else ""
        return (f"textmill: processed={self.processed} skipped={self.skipped} "
                f"failed={self.failed} seconds={self.seconds:.1f} docs/s={rate:.1f}{state}")


@dataclass
class Run:
    """What observers see of a run: the pipeline, its options, and its summary so far."""

    pipeline: Pipeline
    options: dict[str, Any] = field(default_factory=dict)
    summary: Summary = field(default_factory=Summary)


class _StopFlag:
    """Turns SIGINT/SIGTERM into a flag checked between chunks."""

    def __init__(self) -> None:
        self.set = False
        self._old: dict[int, Any] = {}

    def __enter__(self) -> _StopFlag:
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self._old[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread: leave signals alone
                pass
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.set:  # a second signal: stop now
            raise KeyboardInterrupt
        self.set = True
        logger.warning("received {}; finishing the current chunk",
                       signal.Signals(signum).name)

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


def chunked(documents: Iterable[Document], size: int,
            stop: Callable[[], bool] = lambda: False) -> Iterator[list[Document]]:
    """Lists of up to ``size`` documents, stopping early when ``stop()`` turns true."""
    it = iter(documents)
    while not stop():
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


def run_pipeline(pipeline: Pipeline, documents: Iterable[Document], sinks: list[JsonlSink], *,
                 pm: PluginManager, workers: int = 1, executor: str = "local",
                 scheduler: str | None = None, executor_obj: Executor | None = None,
                 progress: Callable[[int], None] | None = None, store: Store | None = None,
                 force: bool = False) -> Summary:
    """Process ``documents`` and write their records to ``sinks``; never raise per document.

    With a ``store``, documents whose latest stored result has the same content and
    pipeline fingerprint are skipped (unless ``force``) before anything is parsed, each
    batch is committed to the store, and the run is recorded there with its counts.
    """
    run = Run(pipeline, {"workers": workers, "executor": executor, "force": force})
    summary = run.summary
    started = time.perf_counter()
    journal = _Journal(store, pipeline, run.options) if store is not None else None
    if journal is not None:
        documents = journal.pending(documents, summary, force=force)
    ex = executor_obj
    finished = False  # outputs replace earlier files only when the run ends normally
    pm.hook.run_started(run=run)
    try:
        with _StopFlag() as stop:
            chunks = chunked(documents, pipeline.spec.batch_size, lambda: stop.set)
            first = next(chunks, None)
            if first is not None:
                # Made only when there is work: an all-skipped run never loads the model.
                ex = ex or make_executor(pipeline, workers=workers, executor=executor,
                                         scheduler=scheduler)
                for records in ex.map(itertools.chain([first], chunks)):
                    _account(pm, run, records)
                    pm.hook.batch_processed(run=run, records=records)
                    if journal is not None:
                        journal.save(records, summary)
                    for sink in sinks:
                        sink.write(records)
                    if progress is not None:
                        progress(len(records))
            summary.interrupted = stop.set
        finished = True
    except KeyboardInterrupt:
        summary.interrupted = finished = True
    except BaseException as exc:
        if journal is not None:
            journal.finish(summary, getattr(exc, "exit_code", 3))
        raise
    finally:
        if ex is not None:
            ex.close()
        summary.seconds = time.perf_counter() - started
        seen = summary.processed + summary.failed + summary.skipped
        for sink in sinks:  # a failed or empty run leaves the previous output as it was
            sink.close(commit=finished and (seen > 0 or summary.interrupted))
    no_input = summary.processed + summary.failed + summary.skipped == 0
    if journal is not None:
        journal.finish(summary, NoInputError.exit_code if no_input and not summary.interrupted
                       else summary.exit_code)
    if no_input and not summary.interrupted:
        raise NoInputError("no input documents found")
    pm.hook.run_finished(run=run, summary=summary)
    return summary


class _Journal:
    """A run as the store sees it: its row, its fingerprint, and one commit per batch."""

    def __init__(self, store: Store, pipeline: Pipeline, options: dict[str, Any]) -> None:
        self.store = store
        self.fp = fingerprint(pipeline)
        self.run_id = store.start_run(pipeline, self.fp, options)
        logger.debug("store {}: run {} with fingerprint {}", store.path, self.run_id, self.fp)

    def pending(self, documents: Iterable[Document], summary: Summary, *,
                force: bool) -> Iterator[Document]:
        """The documents to process; counts the others as skipped."""
        def skip(n: int) -> None:
            summary.skipped += n

        return self.store.pending(documents, self.fp, force=force, on_skip=skip)

    def save(self, records: list[Record], summary: Summary) -> None:
        """Commit one batch with the run's counts so far."""
        self.store.save_batch(self.run_id, self.fp, records,
                              counts=(summary.processed, summary.skipped, summary.failed))

    def finish(self, summary: Summary, exit_code: int) -> None:
        """Record the run's end."""
        self.store.finish_run(self.run_id, processed=summary.processed,
                              skipped=summary.skipped, failed=summary.failed,
                              exit_code=exit_code)
        still = self.store.failed_count()
        if still:
            logger.info("store {}: {} documents with open failures (see `textmill failures "
                        "--store {}`; --retry reprocesses them)", self.store.path, still,
                        self.store.path)


def _account(pm: PluginManager, run: Run, records: list[Record]) -> None:
    for record in records:
        if record["errors"]:
            run.summary.failed += 1
            for error in record["errors"]:
                logger.warning("{}: step {!r} failed: {}: {}", record["id"], error["step"],
                               error["type"], error["message"])
                pm.hook.document_failed(run=run, record=record, error=error)
        else:
            run.summary.processed += 1


def print_summary(summary: Summary) -> None:
    """Print the summary line to stderr, whatever the log settings, and log it to files."""
    print(summary.line(), file=sys.stderr, flush=True)
    # Bound as a summary so the stderr handler leaves it out (it was just printed there).
    logger.bind(summary=True, exit_code=summary.exit_code).info(summary.line())
