"""One measurement in its own process, printed as JSON: raw spaCy or a textmill run.

    python tests/bench/measure.py raw MODEL CORPUS.jsonl
    python tests/bench/measure.py textmill PIPELINE CORPUS.jsonl WORKERS OUT.jsonl
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def _texts(corpus: str):
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)["text"]


def raw(model: str, corpus: str) -> dict:
    """spaCy alone: load the full default pipeline and nlp.pipe every text."""
    start = time.perf_counter()
    import spacy

    from textmill.models import resolve_model

    nlp = spacy.load(resolve_model(model))
    docs = tokens = 0
    for doc in nlp.pipe(_texts(corpus)):
        docs += 1
        tokens += len(doc)
    return {"docs": docs, "tokens": tokens, "seconds": time.perf_counter() - start,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def textmill(pipeline: str, corpus: str, workers: str, out: str) -> dict:
    """The CLI as a user runs it, timed from process start to exit."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "textmill", "-q", "run", pipeline, corpus,
                           "-o", out, "--workers", workers], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"textmill failed ({proc.returncode}): {proc.stderr[-2000:]}")
    with open(out, encoding="utf-8") as fh:
        docs = sum(1 for _ in fh)
    return {"docs": docs, "seconds": seconds, "summary": proc.stderr.strip().splitlines()[-1],
            "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    print(json.dumps(raw(*args) if kind == "raw" else textmill(*args)))
