"""Process chunks on a Dask cluster: a scheduler's address, or a LocalCluster of processes.

Imported only when ``executor: dask`` is chosen; ``distributed`` is imported inside functions,
so this module loads (and names the extra to install) even where Dask is missing.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .errors import PipelineError, PluginError, TextmillError, UsageError
from .executors import Chunk, worker_engine
from .pipeline import Pipeline
from .plugins import get_plugin_manager
from .step import Record

if TYPE_CHECKING:
    from distributed import Client, Future, LocalCluster

#: Seconds to wait for a scheduler to answer, for its first worker to join, and for some
#: worker to come back when all are gone mid-run.
CONNECT_TIMEOUT = 30.0
#: Seconds between checks that the cluster still has workers while a chunk is awaited.
_POLL_SECONDS = 5.0
#: Seconds between refreshes of the cluster's thread count (workers may join mid-run).
_REFRESH_SECONDS = 2.0
#: Dask settings for the LocalCluster textmill starts (workers copy them when spawned).
_LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    # Without a dashboard nobody reads the workers' statistical profiles, and sampling the
    # running step's stack every 10 ms costs the CPU-bound worker GIL switches.
    "distributed.worker.profile.enabled": False,
    # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536; spaCy's many short-lived
    # allocations then go back to the OS and fault in again: 3x the system CPU of a pool
    # process (0.4 s -> 1.3 s per 40 news texts). glibc's own adaptive threshold instead.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    # Fewer wake-ups of the event loops (20 ms health ticks, 100 ms memory checks, 500 ms
    # dashboard metrics) that share this machine's cores and each worker's GIL with the
    # steps: on 2 cores, 336 news texts went from 0.77 to 0.91 of the local pool's speed
    # (medians of 3 alternating runs of tests/bench/bench_dask.py).
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
}
#: Expected plugin of each step: step name -> [plugin, distribution, version].
Expected = dict[str, list[str | None]]

# -- worker side --------------------------------------------------------------------------

# A worker started with several threads would share one engine; spaCy pipelines and
# ``worker_engine``'s cache are not thread-safe, so chunks take turns within a process.
_ENGINE_LOCK = threading.Lock()


def process_chunk_on_worker(data: dict[str, Any], file: str, expected: Expected,
                            chunk: Chunk) -> list[Record]:
    """Dask task: rebuild the pipeline from plain data once per process, return plain records."""
    with _ENGINE_LOCK:
        try:
            engine = worker_engine(data, file)
        except PipelineError as exc:
            raise _not_buildable(data, expected, exc) from None
        except PluginError as exc:
            raise PluginError(f"on dask worker {_worker_address()}: {exc}") from None
        _check_versions(engine.pipeline, expected)
        return engine.process(chunk)


def dask_setup(worker: Any) -> None:
    """Preload of the LocalCluster's workers: Ctrl-C is the client's, to finish the run."""
    # A terminal's Ctrl-C reaches the whole process group, workers included; were they to
    # die of it, their chunks would wait for a restart instead of completing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):  # called outside a worker (direct tests)
        return "<not a dask worker>"


def _not_buildable(data: dict[str, Any], expected: Expected, exc: PipelineError) -> PluginError:
    """A PluginError naming the steps (and their plugins) this worker lacks, and the worker."""
    pm = get_plugin_manager()
    have = pm.steps()
    where = f"dask worker {_worker_address()}"
    hint = ("Hint: install textmill, the same plugins and the same model on every worker "
            "(see docs/scaling.md).")
    missing = [s.get("use") for s in data.get("steps", []) if isinstance(s, dict)
               and s.get("use") not in have]
    if not missing:
        return PluginError(f"the pipeline cannot be built on {where}: {exc} {hint}")
    parts = []
    for name in missing:
        plugin, dist, version = expected.get(str(name)) or [None, None, None]
        text = f"step {name!r}"
        if plugin is not None:
            text += f" (plugin {plugin!r}, distribution {dist!r}"
            text += f" {version})" if version else ")"
        if plugin in pm.load_errors:
            text += f" failed to load: {pm.load_errors[plugin]}"
        parts.append(text)
    return PluginError(f"{'; '.join(parts)} not installed on {where}. {hint}")


def _check_versions(pipeline: Pipeline, expected: Expected) -> None:
    """Refuse a worker whose plugin versions differ from the client's: results would differ."""
    for bound in pipeline.steps:
        want = expected.get(bound.name)
        reg = bound.registered
        if want is not None and [want[1], want[2]] != [reg.distribution, reg.version]:
            raise PluginError(
                f"step {bound.name!r} comes from {reg.distribution!r} {reg.version} on dask "
                f"worker {_worker_address()}, but from {want[1]!r} {want[2]} on the client. "
                "Hint: install the same plugin versions everywhere.")


# -- client side --------------------------------------------------------------------------


class DaskExecutor:
    """Runs chunks on Dask workers, each loading the model and plugins once.

    Connects to ``scheduler`` (``tcp://HOST:PORT``), or starts a LocalCluster of ``workers``
    single-threaded processes. At most twice as many chunks as the cluster has threads are
    in flight; records come back in input order. A worker that dies loses only its running
    chunks: the scheduler recomputes them elsewhere, and each chunk is yielded once.
    """

    def __init__(self, pipeline: Pipeline, *, workers: int = 1,
                 scheduler: str | None = None) -> None:
        self.pipeline = pipeline
        self.cluster: LocalCluster | None = None
        self.client: Client = self._connect(workers, scheduler)
        self.expected: Expected = {
            b.name: [b.registered.plugin, b.registered.distribution, b.registered.version]
            for b in pipeline.steps}
        self._threads = 0
        self._checked = 0.0

    def _connect(self, workers: int, scheduler: str | None) -> Client:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise UsageError(f"--executor dask needs Dask distributed, which is not installed "
                             f"({exc}). Hint: pip install 'textmill[dask]'.") from None
        if scheduler is None:
            with dask.config.set(_LOCAL_CLUSTER_CONFIG):
                self.cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR,
                    preload=[__name__],  # runs dask_setup in every worker, restarts included
                    # health routes only, on a free local port rather than 8787
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
            return Client(self.cluster, set_as_default=False)
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"cannot connect to the dask scheduler {scheduler!r}: {exc}. "
                             "Hint: start one with `dask scheduler` and pass its "
                             "tcp://HOST:PORT address.") from None
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            client.close()
            raise UsageError(f"no worker joined the dask scheduler {scheduler!r} within "
                             f"{CONNECT_TIMEOUT:.0f} s ({type(exc).__name__}). Hint: start "
                             f"workers with `dask worker {scheduler}`.") from None
        return client

    def _limit(self) -> int:
        """Chunks to keep in flight: twice the cluster's threads, refreshed now and then."""
        now = time.monotonic()
        if now - self._checked > _REFRESH_SECONDS:
            self._threads = sum(self.client.nthreads().values())
            self._checked = now
        return 2 * max(1, self._threads)

    def map(self, chunks: Iterable[Chunk]) -> Iterator[list[Record]]:
        pending: deque[tuple[Chunk, Future]] = deque()
        data, file = self.pipeline.data, self.pipeline.file
        for chunk in chunks:
            future = self.client.submit(process_chunk_on_worker, data, file, self.expected,
                                        chunk, pure=False)
            pending.append((chunk, future))
            while len(pending) >= self._limit():
                yield self._result(*pending.popleft())
        while pending:
            yield self._result(*pending.popleft())

    def _result(self, chunk: Chunk, future: Future) -> list[Record]:
        try:
            return self._wait(future)
        except TextmillError:
            raise
        except ImportError as exc:  # the task itself could not be unpickled on the worker
            raise PluginError(f"a dask worker cannot import what textmill needs: {exc}. Hint: "
                              "install textmill and the same plugins on every worker.") from None
        except Exception as exc:
            ids = f"{chunk[0].id!r}..{chunk[-1].id!r}" if chunk else "(empty)"
            hint = (" Hint: a document of this chunk probably crashes the worker process "
                    "(memory, a native library); run them with --executor local to see how."
                    if type(exc).__name__ == "KilledWorker" else "")
            raise TextmillError(f"dask could not process the chunk of documents {ids}: "
                                f"{type(exc).__name__}: {exc}{hint}") from exc

    def _wait(self, future: Future) -> list[Record]:
        """The chunk's records; fail rather than hang when the cluster has lost every worker."""
        alone_since: float | None = None
        while True:
            try:
                return future.result(timeout=_POLL_SECONDS)
            except TimeoutError:
                if future.status == "error":  # the task's own TimeoutError, not the wait's
                    return future.result()  # raises it
                # else: still running, or finished just now (the next result() returns)
            if self.client.nthreads():
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > CONNECT_TIMEOUT:
                raise TextmillError(
                    f"every dask worker is gone and none came back within "
                    f"{CONNECT_TIMEOUT:.0f} s. Hint: check the workers' logs (killed for "
                    "memory?) and restart them with `dask worker SCHEDULER_ADDRESS`.")

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
                self.cluster = None
