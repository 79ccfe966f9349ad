"""Where chunks of documents are processed: in this process, or in a pool of processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol

from .document import Document
from .engine import Engine
from .pipeline import Pipeline, pipeline_from_dict
from .plugins import get_plugin_manager
from .step import Record

Chunk = list[Document]


class Executor(Protocol):
    """Processes chunks and yields their records in input order."""

    def map(self, chunks: Iterable[Chunk]) -> Iterator[list[Record]]: ...

    def close(self) -> None: ...


class InlineExecutor:
    """Runs the engine in this process (one worker)."""

    def __init__(self, pipeline: Pipeline, engine: Engine | None = None) -> None:
        self.engine = engine if engine is not None else Engine(pipeline)

    def map(self, chunks: Iterable[Chunk]) -> Iterator[list[Record]]:
        for chunk in chunks:
            yield self.engine.process(chunk)

    def close(self) -> None:
        pass


# -- worker side of the process pool ------------------------------------------------------

_ENGINE: Engine | None = None


def _init_worker() -> None:
    # The parent decides how to stop; Ctrl-C reaches the whole process group.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_engine(data: dict[str, Any], file: str) -> Engine:
    """This process's engine for the pipeline ``data``, built once."""
    global _ENGINE
    if _ENGINE is None or _ENGINE.pipeline.data != data:
        _ENGINE = Engine(pipeline_from_dict(data, get_plugin_manager(), file=file))
    return _ENGINE


def process_chunk(data: dict[str, Any], file: str, chunk: Chunk) -> list[Record]:
    """Task run by pool workers: plain records out, never spaCy objects."""
    return worker_engine(data, file).process(chunk)


class ProcessExecutor:
    """A pool of ``workers`` processes, each loading the model and plugins once.

    At most ``2 * workers`` chunks are in flight, so memory stays bounded however large
    the input; results come back in input order.
    """

    def __init__(self, pipeline: Pipeline, workers: int) -> None:
        self.pipeline = pipeline
        self.workers = workers
        ctx = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                        initializer=_init_worker)

    def map(self, chunks: Iterable[Chunk]) -> Iterator[list[Record]]:
        pending: deque[Future[list[Record]]] = deque()
        limit = 2 * self.workers
        data, file = self.pipeline.data, self.pipeline.file
        for chunk in chunks:
            pending.append(self.pool.submit(process_chunk, data, file, chunk))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def make_executor(pipeline: Pipeline, *, workers: int = 1, executor: str = "local",
                  scheduler: str | None = None) -> Executor:
    """The executor the options ask for."""
    if executor == "dask":
        from .dask_executor import DaskExecutor

        return DaskExecutor(pipeline, workers=workers, scheduler=scheduler)
    if workers <= 1:
        return InlineExecutor(pipeline)
    return ProcessExecutor(pipeline, min(workers, max(1, os.cpu_count() or 1) * 4))
