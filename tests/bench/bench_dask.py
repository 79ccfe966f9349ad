"""Benchmark: a Dask LocalCluster of N workers against the local executor's --workers N.

    python tests/bench/bench_dask.py [--steps entities quotes numbers | --pipeline FILE]
        [--docs 336] [--workers 2] [--batch-size 8] [--repeat 1]
        [--source /work/shared/data/polnear/dev.jsonl]

The source's texts (read by path; nothing is copied into the repository) are repeated to
--docs documents. For each executor it measures start-up (creating the executor and loading
the model and plugins in every worker) and then processing of the whole corpus, and checks
that both executors return the same records. Prints docs/s for both and dask/local ratios,
for processing alone and end to end (start-up included).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "polnear" / "dev.jsonl"


def corpus(source: Path, docs: int) -> list[Any]:
    """``docs`` Documents cycling through the source's texts, with unique ids."""
    from textmill import Document

    texts = [json.loads(line)["text"] for line in source.open(encoding="utf-8")]
    return [Document(id=f"doc{i}", text=text)
            for i, text in zip(range(docs), itertools.cycle(texts), strict=False)]


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU seconds used so far by the processes ``pids`` (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def worker_pids(ex: Any) -> list[int]:
    """The processes that run chunks: pool processes, or Dask worker processes."""
    if hasattr(ex, "client"):
        return list(ex.client.run(os.getpid).values())
    return list(ex.pool._processes)  # a benchmark may peek at the pool


def measure(pipe: Any, docs: list[Any], *, executor: str, workers: int,
            batch_size: int) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Start-up, processing and CPU seconds of one executor, and the records it returned."""
    from textmill import Document
    from textmill.executors import make_executor

    started = time.perf_counter()
    ex = make_executor(pipe, workers=workers, executor=executor)
    try:
        # Small chunks, so every worker has loaded its engine before the clock starts.
        warm = [[Document(id=f"warm{i}", text="Warm up.")] for i in range(2 * workers)]
        for _ in ex.map(warm):
            pass
        pids = worker_pids(ex)
        ready = time.perf_counter()
        cpu = cpu_seconds(pids), time.process_time()
        chunks = [docs[i:i + batch_size] for i in range(0, len(docs), batch_size)]
        records = [r for batch in ex.map(chunks) for r in batch]
        done = time.perf_counter()
        worker_cpu, client_cpu = cpu_seconds(pids) - cpu[0], time.process_time() - cpu[1]
    finally:
        ex.close()
    return {"startup": ready - started, "processing": done - ready, "worker_cpu": worker_cpu,
            "client_cpu": client_cpu}, records


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", nargs="+", default=["entities", "quotes", "numbers"],
                    help="steps of a pipeline on en_core_web_sm")
    ap.add_argument("--pipeline", help="a pipeline file instead of --steps")
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--docs", type=int, default=336)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=1, help="alternating runs; medians reported")
    args = ap.parse_args()

    from textmill import load_pipeline, pipeline_from_dict

    pipe = load_pipeline(args.pipeline) if args.pipeline else pipeline_from_dict(
        {"textmill": 1, "name": "bench", "model": "en_core_web_sm",
         "steps": [{"use": name} for name in args.steps]})
    docs = corpus(args.source, args.docs)
    steps = ", ".join(s.name for s in pipe.steps)
    print(f"pipeline {pipe.file} ({steps}), {len(docs)} docs, {args.workers} workers, "
          f"batch size {args.batch_size}", flush=True)
    times: dict[str, list[dict[str, float]]] = {"local": [], "dask": []}
    reference: list[dict[str, Any]] | None = None
    differing = 0
    for _ in range(args.repeat):
        for executor in ("local", "dask"):
            seconds, records = measure(pipe, docs, executor=executor, workers=args.workers,
                                       batch_size=args.batch_size)
            if reference is None:
                reference = records
            else:
                # Plugins edited between two runs also make records differ: hence no exit.
                differing = max(differing, sum(a != b for a, b in zip(records, reference,
                                                                      strict=True)))
            times[executor].append(seconds)
            print(f"  {executor:5}: start-up {seconds['startup']:5.1f} s, processing "
                  f"{seconds['processing']:6.1f} s; CPU ms/doc: workers "
                  f"{1000 * seconds['worker_cpu'] / len(docs):.0f}, client "
                  f"{1000 * seconds['client_cpu'] / len(docs):.0f}", flush=True)

    rate: dict[str, dict[str, float]] = {}
    for executor, runs in times.items():
        startup = statistics.median(r["startup"] for r in runs)
        processing = statistics.median(r["processing"] for r in runs)
        rate[executor] = {"processing": len(docs) / processing,
                          "end_to_end": len(docs) / (startup + processing)}
        print(f"{executor:5}: {rate[executor]['processing']:6.2f} docs/s processing, "
              f"{rate[executor]['end_to_end']:6.2f} docs/s end to end "
              f"(start-up {startup:.1f} s)")
    for kind in ("processing", "end_to_end"):
        ratio = rate["dask"][kind] / rate["local"][kind]
        print(f"ratio dask/local ({kind.replace('_', ' ')}): {ratio:.2f}")
    print("records: identical" if not differing else
          f"records: {differing} of {len(docs)} differ between runs", file=sys.stderr)


if __name__ == "__main__":  # workers are spawned processes that re-import this module
    main()
