"""Benchmark: an incremental rerun over an unchanged corpus, as a share of the first run.

    python tests/bench/bench_incremental.py [--source /work/shared/data/polnear/dev.jsonl]
        [--docs 300] [--pipeline pipelines/news.yaml | --steps entities,quotes] [--workers 1]

The source's texts are repeated to --docs documents with distinct ids (read by path; the
corpus is written to a temporary directory, never into the repository). Each run is a real
`python -m textmill run ... --store DB` process, timed from start to exit. The goal of issue
#7 is a rerun costing at most 5% of the first run: skipped documents are filtered before any
parsing, and with nothing left to process the model is never loaded.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run_bench import DEFAULT_SOURCE, ROOT, make_corpus  # this folder is sys.path[0] for scripts

SUMMARY = re.compile(r"processed=(\d+) skipped=(\d+) failed=(\d+)")


def timed_run(*args: str) -> tuple[float, tuple[int, ...]]:
    """Wall seconds of one `textmill run` process and its processed/skipped/failed counts."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "textmill", "run", *args],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    match = SUMMARY.search(proc.stderr)
    if proc.returncode not in (0, 1) or match is None:
        raise SystemExit(f"textmill run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return seconds, tuple(int(g) for g in match.groups())


def main() -> None:
    """Run the pipeline twice over one corpus with one store; print both times and the share."""
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--pipeline", default=str(ROOT / "pipelines" / "news.yaml"))
    ap.add_argument("--steps", help="comma-separated steps of a pipeline made on the fly "
                    "(model en_core_web_sm), instead of --pipeline")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        corpus = make_corpus(args.source, args.docs, tmpdir)
        if args.steps:
            args.pipeline = str(tmpdir / "bench.yaml")
            Path(args.pipeline).write_text(
                "textmill: 1\nname: bench\nmodel: en_core_web_sm\nsteps:\n"
                + "".join(f"  - use: {step}\n" for step in args.steps.split(",")))
        common = [args.pipeline, str(corpus), "--store", str(tmpdir / "store.db"),
                  "--workers", str(args.workers), "-o", str(tmpdir / "out.jsonl")]
        first, first_counts = timed_run(*common)
        second, second_counts = timed_run(*common)
    share = second / first
    print(f"pipeline: {args.pipeline}  docs: {args.docs}  workers: {args.workers}")
    print(f"first run:  {first:7.2f} s  processed/skipped/failed = {first_counts}")
    print(f"second run: {second:7.2f} s  processed/skipped/failed = {second_counts}")
    print(f"second run as a share of the first: {share:.1%} (goal <= 5%)")
    if second_counts[0] + second_counts[2] != 0:
        raise SystemExit("the second run processed documents; the corpus did not change")


if __name__ == "__main__":
    main()
