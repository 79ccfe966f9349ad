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
                 progress: Callable[[int], None] | None = None) -> Summary:
    """Process ``documents`` and write their records to ``sinks``; never raise per document."""
    run = Run(pipeline, {"workers": workers, "executor": executor})
    summary = run.summary
    started = time.perf_counter()
    ex = executor_obj or make_executor(pipeline, workers=workers, executor=executor,
                                       scheduler=scheduler)
    pm.hook.run_started(run=run)
    seen = 0
    try:
        with _StopFlag() as stop:
            chunks = chunked(documents, pipeline.spec.batch_size, lambda: stop.set)
            for records in ex.map(chunks):
                seen += len(records)
                _account(pm, run, records)
                pm.hook.batch_processed(run=run, records=records)
                for sink in sinks:
                    sink.write(records)
                if progress is not None:
                    progress(len(records))
            summary.interrupted = stop.set
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        ex.close()
        summary.seconds = time.perf_counter() - started
        for sink in sinks:
            sink.close()
    if seen == 0 and not summary.interrupted:
        raise NoInputError("no input documents found")
    pm.hook.run_finished(run=run, summary=summary)
    return summary


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
    """Print the summary line to stderr, whatever the log settings."""
    print(summary.line(), file=sys.stderr, flush=True)
