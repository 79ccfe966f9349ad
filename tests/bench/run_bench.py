"""Benchmark: raw spaCy nlp.pipe vs textmill pipelines at 1 and 2 workers, same corpus, one run.

    python tests/bench/run_bench.py [--source /work/shared/data/polnear/dev.jsonl] [--docs 1000]
        [--pipelines pipelines/news.yaml ...] [--workers 1 2] [--memory-docs 10000] [--repeat 3]

The source's texts are repeated to --docs documents (read by path; nothing is copied into the
repository). Each measurement runs in its own process, so peak RSS is its own. Prints
documents/s, tokens/s, peak RSS and the ratios the performance issue sets bars on.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "polnear" / "dev.jsonl"


def make_corpus(source: Path, docs: int, directory: Path, unit: str = "article") -> Path:
    texts = [json.loads(line)["text"] for line in source.open(encoding="utf-8")]
    if unit == "paragraph":  # shorter documents: many of them, in little time
        texts = [p for t in texts for p in t.split("\n") if len(p.split()) >= 8]
    path = directory / f"corpus-{unit}-{docs}.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, text in zip(range(docs), itertools.cycle(texts), strict=False):
            fh.write(json.dumps({"id": f"doc{i}", "text": text}) + "\n")
    return path


def measure(*args: str) -> dict:
    proc = subprocess.run([sys.executable, str(HERE / "measure.py"), *args],
                          capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout)


def _median(results: list[dict]) -> dict:
    """The run with the median time, with the largest peak RSS of all runs."""
    ordered = sorted(results, key=lambda r: r["seconds"])
    return {**ordered[len(ordered) // 2], "rss_mb": max(r["rss_mb"] for r in results)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--pipelines", nargs="*",
                    default=[str(p) for p in sorted((ROOT / "pipelines").glob("*.yaml"))])
    ap.add_argument("--workers", nargs="*", type=int, default=[1, 2])
    ap.add_argument("--memory-docs", type=int, default=10_000,
                    help="also run pipelines/news.yaml on this many docs (0: skip)")
    ap.add_argument("--memory-workers", type=int, default=2)
    ap.add_argument("--memory-unit", choices=["article", "paragraph"], default="article",
                    help="documents of the memory check: whole articles, or their paragraphs")
    ap.add_argument("--model", default="en_core_web_sm")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of every measurement, interleaved; the median time is shown "
                    "(a shared machine drifts by 10%% over minutes: one round can mislead)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        corpus = make_corpus(args.source, args.docs, tmpdir)
        runs: dict[tuple[str, int], list[dict]] = {}
        for _ in range(args.repeat):
            # Each round runs everything once, so a slow spell hits every row alike.
            runs.setdefault(("raw spaCy nlp.pipe (full pipeline)", 1), []).append(
                measure("raw", args.model, str(corpus)))
            for pipeline in args.pipelines:
                for workers in args.workers:
                    runs.setdefault((Path(pipeline).name, workers), []).append(measure(
                        "textmill", pipeline, str(corpus), str(workers),
                        str(tmpdir / "out.jsonl")))
        rows = [(name, workers, _median(results)) for (name, workers), results in runs.items()]
        base = rows[0][2]
        tokens = base["tokens"]
        print(f"\ncorpus: {args.docs} docs, {tokens} tokens (from {args.source}); "
              f"median of {args.repeat} interleaved round(s)")
        print(f"{'run':<40}{'workers':>8}{'docs/s':>9}{'tokens/s':>10}{'RSS MB':>8}"
              f"{'vs raw':>8}{'vs 1w':>7}")
        one_worker: dict[str, float] = {}
        for name, workers, r in rows:
            rate = r["docs"] / r["seconds"]
            if workers == 1:
                one_worker[name] = rate
            vs1 = rate / one_worker[name] if name in one_worker and workers > 1 else None
            print(f"{name:<40}{workers:>8}{rate:>9.2f}{tokens / r['seconds']:>10.0f}"
                  f"{r['rss_mb']:>8.0f}{rate / (base['docs'] / base['seconds']):>8.2f}"
                  + (f"{vs1:>7.2f}" if vs1 else ""))
        if args.memory_docs:
            news = str(ROOT / "pipelines" / "news.yaml")
            unit = args.memory_unit
            big = make_corpus(args.source, args.memory_docs, tmpdir, unit)
            base_docs = args.memory_docs // 10
            small_corpus = make_corpus(args.source, base_docs, tmpdir, unit)
            small = measure("textmill", news, str(small_corpus), str(args.memory_workers),
                            str(tmpdir / "o1.jsonl"))
            large = measure("textmill", news, str(big), str(args.memory_workers),
                            str(tmpdir / "o2.jsonl"))
            print(f"\npeak RSS (largest process), news.yaml, {args.memory_workers} workers, "
                  f"{unit}s: {base_docs} docs {small['rss_mb']:.0f} MB, {args.memory_docs} docs "
                  f"{large['rss_mb']:.0f} MB, ratio {large['rss_mb'] / small['rss_mb']:.3f}")


if __name__ == "__main__":
    main()
